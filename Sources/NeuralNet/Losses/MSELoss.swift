import Tensor

/// Squared Euclidean distance to the L2-normalised target, averaged over the batch:
///
/// ```
/// t̂_b = t_b / max(‖t_b‖, ε)      L = (1/B) Σ_b ‖p_b − t̂_b‖²      ∂L/∂p_b = (2/B)(p_b − t̂_b)
/// ```
/// (the reference's `mse`). A zero target gives `t̂ = 0`, so value and gradient stay finite.
public struct MSELoss: Sendable {
    public var epsilon: Scalar
    /// Normalise targets to unit length first (default); `false` gives plain squared distance.
    public var normalizesTargets: Bool

    public init(epsilon: Scalar = 1e-8, normalizesTargets: Bool = true) {
        self.epsilon = epsilon
        self.normalizesTargets = normalizesTargets
    }

    /// Loss value (accumulated in Double) and `∂L/∂predictions`; shapes `[B × D]`.
    public func callAsFunction(_ predictions: Matrix, _ targets: Matrix) -> (value: Double, gradient: Matrix) {
        precondition(predictions.rows == targets.rows && predictions.columns == targets.columns,
                     "predictions \(predictions.rows) × \(predictions.columns) vs targets \(targets.rows) × \(targets.columns)")
        let b = predictions.rows, d = predictions.columns
        var gradient = Matrix(rows: b, columns: d)
        var total = 0.0
        predictions.storage.withUnsafeBufferPointer { pp in
            targets.storage.withUnsafeBufferPointer { pt in
                gradient.storage.withUnsafeMutableBufferPointer { pg in
                    for row in 0..<b {
                        let p = pp.baseAddress! + row &* d, t = pt.baseAddress! + row &* d, g = pg.baseAddress! + row &* d
                        var scale = 1.0
                        if normalizesTargets {
                            var ss = 0.0
                            for j in 0..<d { let v = Double(t[j]); ss += v * v }
                            scale = 1 / max(ss.squareRoot(), Double(epsilon))
                        }
                        for j in 0..<d {
                            let diff = Double(p[j]) - scale * Double(t[j])
                            total += diff * diff
                            g[j] = Scalar(2 * diff / Double(b))
                        }
                    }
                }
            }
        }
        return (total / Double(b), gradient)
    }
}
