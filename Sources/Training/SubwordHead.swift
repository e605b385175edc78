import EmbeddingCore
import NeuralNet
import Tensor

/// The subword head of a trained model: a bag of hashed n-grams fitted to the targets by MSE
/// (``NgramBaseline``), whose unit prediction is added to the character model's:
/// `p = p̂_model + weight · b̂`, with `x̂ = x / |x|`.
///
/// The two parts err differently: the character model (trained by a ranking loss) puts the true
/// word first more often, the MSE-fitted bag points closer to the true vector on average and
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
            let ids = words[start ..< end].map { table.configuration.ids($0, maxScalars: maxLength) }
            var bags = [Scalar](repeating: 0, count: ids.count * d)
            table.addBags(ids, into: &bags)
            predictions.withUnsafeMutableBufferPointer { out in
                bags.withUnsafeBufferPointer { bag in
                    for k in 0 ..< ids.count {
                        let row = (start + k) * d
                        let modelNorm = L2.norm(UnsafeBufferPointer(rebasing: out[row ..< row + d]))
                        let bagNorm = L2.norm(UnsafeBufferPointer(rebasing: bag[k * d ..< (k + 1) * d]))
                        let a = modelNorm > 0 && modelNorm.isFinite ? Scalar(1 / modelNorm) : 0
                        let b = bagNorm > 0 && bagNorm.isFinite ? weight * Scalar(1 / bagNorm) : 0
                        for j in 0 ..< d { out[row + j] = a * out[row + j] + b * bag[k * d + j] }
                    }
                }
            }
            start = end
        }
    }
}
