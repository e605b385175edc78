import EmbeddingCore
import NeuralNet
import Tensor

/// The subword head of a trained model: a bag of hashed n-grams fitted to the targets by ridge
/// regression (``NgramBaseline``, ``SubwordFit``), whose unit prediction is added to the character model's:
/// `p = p̂_model + weight · b̂`, with `x̂ = x / |x|`.
///
/// The two parts err differently: the character model (trained by a ranking loss) puts the true
/// word first more often, the least-squares bag points closer to the true vector on average and
/// gets more true words into the top 10. Their sum does better than either on most measures.
public struct SubwordHead: Sendable, Equatable {
    /// `[buckets × dimensions]`.
    public var table: NgramTable
    /// Weight of the bag's unit vector against the model's (≥ 0, finite).
    public var weight: Scalar

    public init(table: NgramTable, weight: Scalar) {
        self.table = table
        self.weight = weight
    }

    /// What a model file's header records about the head (its table is an array of its own).
    struct Header: Codable, Equatable {
        var ngrams: NgramConfiguration
        var weight: Scalar
        /// Present when the table is stored as a row bitmap and the moved rows (format 5); absent
        /// when it is stored whole.
        var rows: HeadRows?
    }

    /// The unit bag `b̂` of each word (already case-folded as the model folds them), flat
    /// `[words.count × D]`; a word whose bag is zero gets a zero row.
    /// - Complexity: O(words × (grams + 1) × D).
    public func unitBags(_ words: some Collection<String>, maxLength: Int) -> [Scalar] {
        let d = table.dimensions
        let ids = words.map { table.configuration.ids($0, maxScalars: maxLength) }
        var bags = [Scalar](repeating: 0, count: ids.count * d)
        table.addBags(ids, into: &bags)
        bags.withUnsafeMutableBufferPointer { bag in
            for k in 0 ..< ids.count {
                let norm = L2.norm(UnsafeBufferPointer(rebasing: bag[k * d ..< (k + 1) * d]))
                let scale = norm > 0 && norm.isFinite ? Scalar(1 / norm) : 0
                for j in k * d ..< (k + 1) * d { bag[j] *= scale }
            }
        }
        return bags
    }

    /// Replaces each row of `predictions` (`[words.count × D]`, row i for `words[i]`, already
    /// case-folded as the model folds them) by `p̂ + weight · b̂`. A zero part contributes nothing.
    /// - Complexity: O(words × (grams + 2) × D).
    public func blend(_ predictions: inout RowMatrix, words: [String], maxLength: Int) {
        let d = table.dimensions
        precondition(predictions.rows == words.count && predictions.columns == d, "one prediction row per word")
        let chunk = 4096
        var start = 0
        while start < words.count {
            let end = min(start + chunk, words.count)
            let bags = unitBags(words[start ..< end], maxLength: maxLength)
            predictions.withUnsafeMutableBufferPointer { out in
                for k in 0 ..< end - start {
                    let row = (start + k) * d
                    let modelNorm = L2.norm(UnsafeBufferPointer(rebasing: out[row ..< row + d]))
                    let a = modelNorm > 0 && modelNorm.isFinite ? Scalar(1 / modelNorm) : 0
                    for j in 0 ..< d { out[row + j] = a * out[row + j] + weight * bags[k * d + j] }
                }
            }
            start = end
        }
    }
}

extension TrainedModel {
    /// This model predicting `p̂ + weight · b̂` instead of the weight it was trained with; nil when
    /// it has no subword head. The file is unchanged. A smaller weight puts the exact word first more
    /// often (MRR, hit@1); a larger one brings predictions closer to the true vectors on average
    /// (mean cosine) — see docs/training.md.
    /// - Precondition: `weight` is finite and ≥ 0.
    public func reweighted(subwordWeight weight: Scalar) -> TrainedModel? {
        precondition(weight.isFinite && weight >= 0, "subword weight must be finite and ≥ 0")
        guard var head = subword else { return nil }
        head.weight = weight
        var model = self
        model.subword = head
        return model
    }
}
