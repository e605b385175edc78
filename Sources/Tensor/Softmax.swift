import CKernels
#if canImport(Glibc)
import Glibc
#endif

extension Kernels {
    /// One softmax row in place: with `m = max x`, `x[j] ← exp((x[j] − m)·scale)`; returns the sum
    /// of the new values (in Double) and `m`. AVX-512 kernel when the CPU has it (relative error
    /// of each exponential about 2e-7), otherwise `expf`. - Complexity: O(n).
    public static func softmaxRow(_ x: UnsafeMutablePointer<Scalar>, count n: Int, scale: Scalar) -> (sum: Double, maximum: Scalar) {
        var maximum = -Scalar.infinity
        if _native {
            let sum = cv_softmax_row(n, x, scale, &maximum)
            return (sum, maximum)
        }
        for j in 0 ..< n { maximum = max(maximum, x[j]) }
        var sum: Double = 0
        for j in 0 ..< n {
            let e = expf((x[j] - maximum) * scale)
            x[j] = e
            sum += Double(e)
        }
        return (sum, maximum)
    }
}
