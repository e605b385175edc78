extension Kernels {
    /// One softmax row in place: with `m = max x`, `x[j] ← exp((x[j] − m)·scale)`; returns the sum
    /// of the new values (in Double) and `m`. C kernel (AVX-512 or AVX2) when selected (relative error of each
    /// exponential about 2e-7, `scale > 0`), otherwise `expf`. - Complexity: O(n).
    public static func softmaxRow(_ x: UnsafeMutablePointer<Scalar>, count n: Int, scale: Scalar) -> (sum: Double, maximum: Scalar) {
        if _native {
            var maximum = -Scalar.infinity
            let sum = NativeKernels.softmaxRow(x, count: n, scale: scale, maximum: &maximum)
            return (sum, maximum)
        }
        return PortableKernels.softmaxRow(x, count: n, scale: scale)
    }
}
