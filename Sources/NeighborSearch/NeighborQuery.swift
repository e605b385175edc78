import EmbeddingCore

/// Nearest neighbours of words over an exact or HNSW index: in-vocabulary words use their rows,
/// other words the vectors of a predictor (a trained model, a fastText model's n-grams), and a
/// query of several words is the normalised mean of their unit vectors.
public struct NeighborQuery {
    public enum Searcher {
        case exact(ExactIndex)
        case approximate(HNSWIndex, efSearch: Int)
    }

    /// Why a query has no answer.
    public enum Failure: Error, Equatable {
        /// Words outside the vocabulary, with no predictor.
        case unknownWords([String])
        /// Words whose row or prediction is zero or not finite (no direction).
        case zeroVectors([String])
    }

    public enum Outcome {
        /// Neighbours, best first, and the query words that were predicted.
        case answered([Neighbor], predicted: [String])
        case failed(Failure)
    }

    public let vocabulary: Vocabulary
    public let dimensions: Int
    public let searcher: Searcher
    /// Vectors for words outside the vocabulary (one row per word, any norm), or nil.
    public let predict: (([String]) -> RowMatrix)?
    /// The unit vector of a row, or nil for a zero or non-finite row.
    let unitRow: (Int) -> [Scalar]?
    /// Later rows carrying the same word as a first row (a query excludes all of them).
    let duplicatesOfFirstRow: [Int: [Int]]

    /// A query over `table` through `searcher` (built from the same table).
    public init(table: EmbeddingTable, searcher: Searcher, predict: (([String]) -> RowMatrix)? = nil) {
        vocabulary = table.vocabulary
        dimensions = table.dimensions
        self.searcher = searcher
        self.predict = predict
        var duplicates: [Int: [Int]] = [:]
        for (row, first) in table.vocabulary.duplicates { duplicates[first, default: []].append(row) }
        duplicatesOfFirstRow = duplicates
        switch searcher {
        case .exact(let index):
            unitRow = { row in index.isSearchable(row) ? index.normalizedMatrix.row(row) : nil }
        case .approximate:
            let matrix = table.matrix
            unitRow = { row in matrix.withRow(row) { L2.unitVector($0) } }
        }
    }

    /// The `k` nearest rows to the normalised mean of the words' unit vectors, excluding the
    /// words' own rows (and their duplicates). - Complexity: one search plus one `predict` call.
    public func neighbors(of words: [String], k: Int) -> Outcome {
        var unknown: [String] = [], zero: [String] = [], excluded = Set<Int>()
        var vectors: [[Scalar]] = [], toPredict: [String] = []
        for word in words {
            if let row = vocabulary.index(of: word) {
                excluded.insert(row)
                for duplicate in duplicatesOfFirstRow[row] ?? [] { excluded.insert(duplicate) }
                if let unit = unitRow(row) { vectors.append(unit) } else { zero.append(word) }
            } else if predict != nil {
                toPredict.append(word)
            } else {
                unknown.append(word)
            }
        }
        if !unknown.isEmpty { return .failed(.unknownWords(unknown)) }
        if let predict, !toPredict.isEmpty {
            let predicted = predict(toPredict)
            precondition(predicted.rows == toPredict.count && predicted.columns == dimensions,
                         "predict must return one \(dimensions)-value row per word")
            for (i, word) in toPredict.enumerated() {
                if let unit = predicted.withRow(i, { L2.unitVector($0) }) { vectors.append(unit) } else { zero.append(word) }
            }
        }
        if !zero.isEmpty { return .failed(.zeroVectors(zero)) }
        var mean = [Scalar](repeating: 0, count: dimensions)
        for vector in vectors { for j in 0 ..< dimensions { mean[j] += vector[j] } }
        for j in 0 ..< dimensions { mean[j] /= Scalar(vectors.count) }
        guard let query = L2.unitVector(mean) else { return .failed(.zeroVectors(words)) }
        return .answered(search(query, k: k, excluding: excluded), predicted: toPredict)
    }

    /// The `k` rows nearest to a unit `query`.
    public func search(_ query: [Scalar], k: Int, excluding: Set<Int> = []) -> [Neighbor] {
        switch searcher {
        case .exact(let index): return index.search(query: query, k: k, excluding: excluding)
        case .approximate(let index, let ef): return index.search(query: query, k: k, efSearch: ef, excluding: excluding)
        }
    }
}
