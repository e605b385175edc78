import EmbeddingCore
import NeuralNet
import Tensor

/// Held-out quality of a model: how close its predictions are to the true vectors, and where the
/// true word ranks among all candidate vectors by cosine.
public struct ValidationMetrics: Sendable, Codable, Equatable {
    /// Words evaluated.
    public var count: Int
    /// Mean cos(prediction, true vector) over all validation words.
    public var meanCosine: Double
    /// Among the ranked sample: share with the true word first / in the top 10.
    public var hitAt1: Double
    public var hitAt10: Double
    /// Mean reciprocal rank of the true word among all candidates.
    public var meanReciprocalRank: Double
    public var medianRank: Double
    /// Words ranked (a seeded sample of at most `validationSample`).
    public var ranked: Int
}

/// Predicts vectors for words with a trained model, in length buckets (no padding waste).
public struct Predictor {
    /// One network, or an ensemble's members (whose unit predictions are averaged).
    public let models: [CharToVectorModel]
    /// The first (or only) network.
    public var model: CharToVectorModel { models[0] }
    public let characters: CharacterVocabulary
    public let maxLength: Int
    /// Lowercase words before encoding (models trained with `--lowercase`).
    public let lowercase: Bool
    /// Blended into every prediction when present (models trained with a subword head).
    public let subword: SubwordHead?
    /// When set, a word one edit from a table word is pulled toward that word's vector (see
    /// ``SpellingLexicon``); nil predicts from the spelling alone.
    public var lexicon: SpellingLexicon?

    public init(model: CharToVectorModel, characters: CharacterVocabulary, maxLength: Int, lowercase: Bool = false,
                subword: SubwordHead? = nil) {
        self.init(models: [model], characters: characters, maxLength: maxLength, lowercase: lowercase, subword: subword)
    }

    /// - Precondition: `models` is not empty and its networks share one configuration.
    public init(models: [CharToVectorModel], characters: CharacterVocabulary, maxLength: Int, lowercase: Bool = false,
                subword: SubwordHead? = nil) {
        precondition(!models.isEmpty, "a predictor needs a network")
        self.models = models
        self.characters = characters
        self.maxLength = maxLength
        self.lowercase = lowercase
        self.subword = subword
    }

    /// Predictions `[words.count × outputDimensions]`, row i for words[i] (not normalised; with a
    /// subword head, the sum of the two unit vectors; with a lexicon, plus a table word's vector).
    /// An ensemble's network part is the sum of its members' unit predictions.
    /// - Complexity: one forward pass per word and member; batches of up to `batchSize` equal-length words.
    public func predict(_ words: [String], batchSize: Int = 256) -> RowMatrix {
        let dim = model.configuration.outputDimensions
        var out = RowMatrix(rows: words.count, columns: dim)
        let folded = lowercase ? words.map { $0.lowercased() } : words
        let encoded = folded.map { characters.encode($0, maxLength: maxLength) }
        let ngrams = model.configuration.ngrams
        let order = encoded.indices.sorted { (encoded[$0].count, $0) < (encoded[$1].count, $1) }
        var start = 0
        out.withUnsafeMutableBufferPointer { buffer in
            while start < order.count {
                var end = start
                let length = encoded[order[start]].count
                while end < order.count && end - start < batchSize && encoded[order[end]].count == length { end += 1 }
                let slice = order[start ..< end]
                var batch = CharacterBatch(sequences: slice.map { encoded[$0] }, paddingIndex: CharacterVocabulary.paddingIndex)
                if let ngrams, model.ngramTable != nil { batch.ngrams = slice.map { ngrams.ids(folded[$0], maxScalars: maxLength) } }
                if (model.configuration.contextDimensions ?? 0) > 0 {
                    precondition(subword != nil, "a model that takes its head's bags needs its subword head")
                    batch.context = subword!.unitBags(slice.map { folded[$0] }, maxLength: maxLength)
                }
                if models.count == 1 {
                    let predictions = model.predict(batch)
                    for (k, index) in slice.enumerated() {
                        for d in 0 ..< dim { buffer[index * dim + d] = predictions.storage[k * dim + d] }
                    }
                } else {
                    for member in models {
                        var predictions = member.predict(batch)
                        predictions.storage.withUnsafeMutableBufferPointer { p in
                            for (k, index) in slice.enumerated() {
                                let row = UnsafeMutableBufferPointer(rebasing: p[k * dim ..< (k + 1) * dim])
                                L2.normalize(UnsafeBufferPointer(row), into: row)
                                for d in 0 ..< dim { buffer[index * dim + d] += row[d] }
                            }
                        }
                    }
                }
                start = end
            }
        }
        subword?.blend(&out, words: folded, maxLength: maxLength)
        lexicon?.blend(&out, words: words)
        return out
    }
}

enum Evaluation {
    /// Rank metrics of predictions for `data`'s validation words (row i for validation word i)
    /// among all of its targets.
    static func validationMetrics(predictions: RowMatrix, data: TrainingData, rankedSample: [Int]) -> ValidationMetrics {
        metrics(predictions: predictions, trueRows: data.validationRows, candidates: data.targets, rankedSample: rankedSample)
    }

    /// Rank metrics of `predictions` (rows for `validation rows` of `candidates`, which are unit
    /// norm) against all candidates; the true word of prediction i is candidate `trueRows[i]`.
    /// Rank = 1 + number of candidates scoring strictly higher (the reference's definition); a zero or
    /// non-finite prediction ranks last.
    /// - Complexity: O(V·N·D) through sgemm, in blocks of 512 predictions.
    static func metrics(predictions: RowMatrix, trueRows: [Int], candidates: RowMatrix, rankedSample: [Int]) -> ValidationMetrics {
        let d = candidates.columns, n = candidates.rows, v = predictions.rows
        var unit = [Scalar](repeating: 0, count: v * d)
        var cosineSum = 0.0
        var degenerate = [Bool](repeating: false, count: v)
        for i in 0 ..< v {
            predictions.withRow(i) { p in
                let norm = L2.norm(p)
                degenerate[i] = !(norm > 1e-12) || !norm.isFinite
                let inverse = 1 / max(norm, 1e-8)
                var dot = 0.0
                candidates.withRow(trueRows[i]) { t in
                    for k in 0 ..< d {
                        unit[i * d + k] = Scalar(Double(p[k]) * inverse)
                        dot += Double(unit[i * d + k]) * Double(t[k])
                    }
                }
                cosineSum += dot
            }
        }
        let candidateValues = candidates.withUnsafeBufferPointer { Array($0) }
        var ranks: [Int] = []
        ranks.reserveCapacity(rankedSample.count)
        let block = 512
        var scores = [Scalar](repeating: 0, count: block * n)
        var start = 0
        while start < rankedSample.count {
            let rows = Array(rankedSample[start ..< min(start + block, rankedSample.count)])
            var queries = [Scalar](repeating: 0, count: rows.count * d)
            for (k, i) in rows.enumerated() { for j in 0 ..< d { queries[k * d + j] = unit[i * d + j] } }
            BLAS.gemm(transposeB: true, m: rows.count, n: n, k: d, queries, 0, lda: d, candidateValues, 0, ldb: d,
                      beta: 0, &scores, 0, ldc: n)
            for (k, i) in rows.enumerated() {
                // A zero (or non-finite) prediction ties with every candidate: it ranks last, not first.
                guard degenerate[i] == false else { ranks.append(n); continue }
                let truth = scores[k * n + trueRows[i]]
                var higher = 0
                for c in 0 ..< n where scores[k * n + c] > truth { higher += 1 }
                ranks.append(higher + 1)
            }
            start += block
        }
        let sorted = ranks.sorted()
        let m = sorted.count
        let median = m == 0 ? 0 : (m % 2 == 1 ? Double(sorted[m / 2]) : Double(sorted[m / 2 - 1] + sorted[m / 2]) / 2)
        return ValidationMetrics(
            count: v, meanCosine: v == 0 ? 0 : cosineSum / Double(v),
            hitAt1: m == 0 ? 0 : Double(ranks.filter { $0 <= 1 }.count) / Double(m),
            hitAt10: m == 0 ? 0 : Double(ranks.filter { $0 <= 10 }.count) / Double(m),
            meanReciprocalRank: m == 0 ? 0 : ranks.reduce(0.0) { $0 + 1 / Double($1) } / Double(m),
            medianRank: median, ranked: m)
    }
}
