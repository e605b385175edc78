import EmbeddingCore

/// Word-pair scores when words outside the restricted vocabulary get predicted vectors.
public struct PredictedPairScores: Sendable, Equatable {
    /// Pairs scored (all of them: none is skipped).
    public var scored: Int
    /// Pairs with at least one predicted word.
    public var embeddedPairs: Int
    /// Distinct words predicted (by folded form).
    public var predictedWords: Int
    /// NaN when undefined (fewer than two pairs, or constant scores).
    public var pearson: Double
    public var spearman: Double
}

extension EmbeddingEvaluator {
    /// Scores `pairs` like ``evaluateWordPairs(_:restrictVocab:caseInsensitive:)`` on pairs whose
    /// words are among the first `restrictVocab` rows (same first-row map, same float32 cosines),
    /// and gives every other word the vector `predict` returns for it (one call, each folded form
    /// once, lowercased when `caseInsensitive`), so no pair is skipped. A zero or non-finite
    /// prediction scores cosine 0.
    /// - Throws: ``EvaluationError/noPairsInVocabulary(pairs:)`` for an empty list.
    /// - Complexity: O(restrictVocab + pairs × D) plus one `predict` call.
    public func evaluateWordPairs(_ pairs: [WordPair], restrictVocab: Int, caseInsensitive: Bool,
                                  predicting predict: ([String]) -> RowMatrix) throws -> PredictedPairScores {
        let fold: (String) -> String = caseInsensitive ? { $0.uppercased() } : { $0 }
        var known: [String: Int] = [:]
        for row in 0 ..< min(restrictVocab, vocabulary.count) {
            let word = fold(vocabulary[row])
            if known[word] == nil { known[word] = row }
        }
        // Unknown words, once each (by folded form); lowercase is what most tables hold.
        var predictedIndex: [String: Int] = [:], forms: [String] = []
        for pair in pairs {
            for word in [pair.first, pair.second] where known[fold(word)] == nil && predictedIndex[fold(word)] == nil {
                predictedIndex[fold(word)] = forms.count
                forms.append(caseInsensitive ? word.lowercased() : word)
            }
        }
        let predicted = forms.isEmpty ? RowMatrix(rows: 0, columns: index.dimensions) : predict(forms)
        precondition(predicted.rows == forms.count && predicted.columns == index.dimensions,
                     "predict must return one \(index.dimensions)-value row per word")
        let units: [[Scalar]] = (0 ..< forms.count).map { i in
            predicted.withRow(i) { L2.unitVector($0) } ?? [Scalar](repeating: 0, count: index.dimensions)
        }
        func vector(_ word: String) -> (row: Int?, unit: [Scalar]?) {
            if let row = known[fold(word)] { return (row, nil) }
            return (nil, units[predictedIndex[fold(word)]!])
        }
        var gold: [Double] = [], cosines: [Double] = [], embedded = 0
        for pair in pairs {
            let a = vector(pair.first), b = vector(pair.second)
            gold.append(pair.score)
            if let ra = a.row, let rb = b.row {
                cosines.append(Double(similarity(ra, rb)))
                continue
            }
            embedded += 1
            let x = a.unit ?? index.normalizedMatrix.row(a.row!)
            let y = b.unit ?? index.normalizedMatrix.row(b.row!)
            var dot: Scalar = 0
            for j in 0 ..< x.count { dot += x[j] * y[j] }
            cosines.append(Double(dot))
        }
        guard !gold.isEmpty else { throw EvaluationError.noPairsInVocabulary(pairs: 0) }
        return PredictedPairScores(scored: gold.count, embeddedPairs: embedded, predictedWords: forms.count,
                                   pearson: Correlation.pearson(gold, cosines), spearman: Correlation.spearman(gold, cosines))
    }
}
