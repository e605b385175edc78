import Tensor

/// Cosine similarity with the epsilon inside each norm, and its gradient.
///
/// ```
/// cos(a, b) = a·b / (max(‖a‖, ε) · max(‖b‖, ε))
/// ∂cos/∂a   = b / (max(‖a‖,ε)·max(‖b‖,ε)) − cos · a / ‖a‖²   (second term only when ‖a‖ > ε)
/// ```
/// A zero vector therefore gives `cos = 0` and a finite gradient (PyTorch's `clamp_min(eps)` form).
/// Arithmetic is in Double.
public enum Cosine {
    /// `cos(a, b)` for rows `a[aRow]`, `b[bRow]` of width `d`; adds `scale · ∂cos/∂a` into
    /// `gradient[gRow]` when `gradient` is given. - Complexity: O(d).
    @discardableResult
    static func similarity(_ a: [Scalar], _ aOffset: Int, _ b: [Scalar], _ bOffset: Int, dimensions d: Int,
                           epsilon: Double, gradientScale: Double = 0, gradient: UnsafeMutablePointer<Scalar>? = nil) -> Double {
        var dot = 0.0, aa = 0.0, bb = 0.0
        for j in 0..<d {
            let x = Double(a[aOffset + j]), y = Double(b[bOffset + j])
            dot += x * y; aa += x * x; bb += y * y
        }
        let normA = aa.squareRoot(), normB = bb.squareRoot()
        let na = max(normA, epsilon), nb = max(normB, epsilon)
        let c = dot / (na * nb)
        if let gradient, gradientScale != 0 {
            let k1 = gradientScale / (na * nb)
            let k2 = normA > epsilon ? gradientScale * c / aa : 0
            for j in 0..<d {
                gradient[j] += Scalar(k1 * Double(b[bOffset + j]) - k2 * Double(a[aOffset + j]))
            }
        }
        return c
    }

    /// Row-wise cosine similarities of two `[B × D]` matrices.
    public static func rowwise(_ a: Matrix, _ b: Matrix, epsilon: Scalar = 1e-8) -> [Double] {
        precondition(a.rows == b.rows && a.columns == b.columns, "shapes differ")
        return (0..<a.rows).map {
            similarity(a.storage, $0 * a.columns, b.storage, $0 * b.columns, dimensions: a.columns, epsilon: Double(epsilon))
        }
    }
}
