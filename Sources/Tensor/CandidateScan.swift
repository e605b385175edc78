import CKernels

/// The contrastive loss's pass over a fixed table of unit candidates, fused (online softmax), in
/// C (the tier of ``Kernels/nativeLevel``). Only with ``Kernels/usesNativeKernels``.
///
/// For each chunk of candidates the pass computes the scores, folds them into each prediction's
/// running maximum, exponential sum and exponential-weighted sum of candidates, and moves on: the
/// `rows × count` scores are never stored, and the table is read once per pass, in place.
/// Holds the pass's scratch, reused across calls.
public struct CandidateScanner {
    var scratch: [Scalar] = []

    public init() {}

    /// One pass over the candidates `table[offset ..< offset + count·d]` (`[count × d]` row-major)
    /// for the unit rows `units` `[rows × d]`.
    ///
    /// With `s_j = u_r · t_j`, row r gets `maximum = max_j s_j`, `sum = Σ_j e_j`,
    /// `weighted = Σ_j e_j · t_j` (`[rows × d]`) where `e_j = exp((s_j − maximum)·scale)`,
    /// and `positive = s` at candidate `positives[r]` (0 when it is outside `0 ..< count`).
    /// - Complexity: 4·rows·count·d flops and rows·count exponentials.
    public mutating func scan(_ table: [Scalar], _ offset: Int, count: Int, dimensions d: Int, units: [Scalar], rows: Int,
                              scale: Scalar, positives: [Int])
        -> (maximum: [Scalar], sum: [Double], positive: [Scalar], weighted: [Scalar]) {
        precondition(Kernels._native, "the candidate scan needs the C kernels (AVX2 + FMA or AVX-512)")
        precondition(count >= 1 && d >= 1 && offset >= 0 && offset + count * d <= table.count,
                     "table must hold [\(count) × \(d)] values from \(offset)")
        precondition(rows >= 1 && units.count >= rows * d && positives.count == rows, "units must be [\(rows) × \(d)]")
        var maximum = [Scalar](repeating: 0, count: rows), positive = maximum
        var sum = [Double](repeating: 0, count: rows)
        var weighted = [Scalar](repeating: 0, count: rows * d)
        let size = cv_contrastive_scratch_size(rows, d)
        if scratch.count < size { scratch = [Scalar](repeating: 0, count: size) }
        table.withUnsafeBufferPointer { t in
            units.withUnsafeBufferPointer { u in
                scratch.withUnsafeMutableBufferPointer { s in
                    cv_contrastive_scan(rows, d, count, u.baseAddress!, t.baseAddress! + offset, scale, positives,
                                        &maximum, &sum, &positive, &weighted, s.baseAddress!)
                }
            }
        }
        return (maximum, sum, positive, weighted)
    }
}
