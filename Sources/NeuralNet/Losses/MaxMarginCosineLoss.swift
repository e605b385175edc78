import Tensor

/// Max-margin (hinge) loss on cosine similarity with `K` sampled negatives per word:
///
/// ```
/// L = (1/B) Σ_b Σ_k max(0, margin + cos(p_b, n_bk) − cos(p_b, t_b))
/// ```
/// using ``Cosine`` (ε inside each norm: a zero prediction gives finite value and gradient).
/// The hinge's kink counts as inactive (gradient 0 at exactly 0, as ReLU).
public struct MaxMarginCosineLoss: Sendable {
    public var margin: Scalar
    public var epsilon: Scalar

    public init(margin: Scalar = 0.5, epsilon: Scalar = 1e-8) {
        self.margin = margin
        self.epsilon = epsilon
    }

    /// Loss and `∂L/∂predictions`.
    /// - Parameters:
    ///   - predictions: `[B × D]`.
    ///   - positives: `[B × D]` targets.
    ///   - negatives: `[(B·K) × D]`; rows `b·K ..< (b+1)·K` are word `b`'s negatives.
    public func callAsFunction(_ predictions: Matrix, positives: Matrix, negatives: Matrix) -> (value: Double, gradient: Matrix) {
        precondition(predictions.rows == positives.rows && predictions.columns == positives.columns, "positives shape differs")
        let b = predictions.rows, d = predictions.columns
        precondition(b > 0 && negatives.columns == d && negatives.rows % b == 0 && negatives.rows > 0,
                     "negatives must be [(B·K) × D] with K ≥ 1 (got \(negatives.rows) × \(negatives.columns))")
        let k = negatives.rows / b
        let eps = Double(epsilon), inv = 1 / Double(b)
        var gradient = Matrix(rows: b, columns: d)
        var total = 0.0
        gradient.storage.withUnsafeMutableBufferPointer { g in
            for row in 0..<b {
                let p = row * d
                let positive = Cosine.similarity(predictions.storage, p, positives.storage, p, dimensions: d, epsilon: eps)
                var active = 0
                for n in 0..<k {
                    let negative = Cosine.similarity(predictions.storage, p, negatives.storage, (row * k + n) * d,
                                                     dimensions: d, epsilon: eps)
                    let hinge = Double(margin) + negative - positive
                    if hinge > 0 {
                        total += hinge
                        active += 1
                        Cosine.similarity(predictions.storage, p, negatives.storage, (row * k + n) * d, dimensions: d,
                                          epsilon: eps, gradientScale: inv, gradient: g.baseAddress! + p)
                    }
                }
                if active > 0 {
                    Cosine.similarity(predictions.storage, p, positives.storage, p, dimensions: d, epsilon: eps,
                                      gradientScale: -Double(active) * inv, gradient: g.baseAddress! + p)
                }
            }
        }
        return (total * inv, gradient)
    }

    /// Draws `perWord` negative indices per word uniformly from `0..<tableSize`; a draw equal to the
    /// word's own target index moves to the next index (mod `tableSize`), as the reference does.
    /// Returns `[targetIndices.count · perWord]` indices, word-major.
    public static func sampleNegatives(perWord: Int, targetIndices: [Int], tableSize: Int,
                                       rng: inout SplitMix64) -> [Int] {
        precondition(tableSize >= 2 && perWord >= 1, "need at least 2 targets and 1 negative")
        var out: [Int] = []
        out.reserveCapacity(targetIndices.count * perWord)
        for target in targetIndices {
            for _ in 0..<perWord {
                var n = rng.nextIndex(tableSize)
                if n == target { n = (n + 1) % tableSize }
                out.append(n)
            }
        }
        return out
    }
}
