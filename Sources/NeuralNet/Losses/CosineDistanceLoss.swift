import Tensor

/// Mean cosine distance `L = (1/B) Σ_b (1 − cos(p_b, t_b))` with ``Cosine``'s ε-inside-the-norm form.
public struct CosineDistanceLoss: Sendable {
    public var epsilon: Scalar
    public init(epsilon: Scalar = 1e-8) { self.epsilon = epsilon }

    /// Loss value and `∂L/∂predictions`; shapes `[B × D]`.
    public func callAsFunction(_ predictions: Matrix, _ targets: Matrix) -> (value: Double, gradient: Matrix) {
        precondition(predictions.rows == targets.rows && predictions.columns == targets.columns, "shapes differ")
        let b = predictions.rows, d = predictions.columns
        var gradient = Matrix(rows: b, columns: d)
        var total = 0.0
        gradient.storage.withUnsafeMutableBufferPointer { g in
            for row in 0..<b {
                total += 1 - Cosine.similarity(predictions.storage, row * d, targets.storage, row * d, dimensions: d,
                                               epsilon: Double(epsilon), gradientScale: -1 / Double(b),
                                               gradient: g.baseAddress! + row * d)
            }
        }
        return (total / Double(b), gradient)
    }
}
