import Tensor

/// Inverted dropout: keeps each unit with probability `1 − p` and scales kept units by `1/(1 − p)`,
/// so evaluation needs no rescaling. The mask is drawn from a seeded ``SplitMix64``.
public struct Dropout: Sendable {
    public let probability: Scalar

    public init(probability: Scalar) {
        precondition(probability >= 0 && probability < 1, "dropout probability must be in [0, 1) (got \(probability))")
        self.probability = probability
    }

    /// Draws a fresh mask for `count` units into `mask` and applies it to `x` in place.
    public func forward(_ x: inout [Scalar], count: Int, mask: inout [Scalar], rng: inout SplitMix64) {
        if mask.count < count { mask = [Scalar](repeating: 0, count: count) }
        let keep = 1 / (1 - probability)
        for i in 0..<count { mask[i] = rng.nextUnit() < probability ? 0 : keep }
        Kernels.multiply(&x, by: mask, count: count)
    }

    /// `dx ⊙= mask` in place (same mask as the forward pass).
    public func backward(_ dx: inout [Scalar], count: Int, mask: [Scalar]) {
        Kernels.multiply(&dx, by: mask, count: count)
    }
}
