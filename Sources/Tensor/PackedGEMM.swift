import CKernels

/// A right-hand GEMM operand packed once and multiplied many times: the recurrent weight `Wh`
/// of one batch, used by every time step (forward: `h·Wh`; backward: `dG·Whᵀ`).
///
/// OpenBLAS repacks both operands on every call; at the step shapes (M ≤ batch, K = H,
/// N = 4H or the transpose) that takes about a third of each call. The packed kernel (C, in
/// the tier of ``Kernels/nativeLevel``: AVX-512 with a 12 × 32 register block, AVX2 + FMA with
/// 6 × 16) reuses one packing for the whole batch, and is faster than OpenBLAS at these shapes.
/// The packed layout belongs to the tier that packed it. Only with ``Kernels/usesNativeKernels``.
public struct PackedOperand {
    /// Rows (the product's inner dimension) and columns of the operand as multiplied.
    public private(set) var k = 0, n = 0
    var storage: [Scalar] = []
    /// The tier whose layout `storage` holds.
    var level: NativeKernelLevel? = nil

    public init() {}

    /// Packs `B [K × N]` (row stride `ldb`) from `b[offset...]`, or with `transposed` the
    /// operand `Bᵀ` of a stored `N × K` matrix. Reuses the storage. - Complexity: O(K·N).
    public mutating func pack(_ b: [Scalar], _ offset: Int, k: Int, n: Int, ldb: Int, transposed: Bool) {
        precondition(Kernels._native, "packed GEMM needs the C kernels (AVX2 + FMA or AVX-512)")
        let (rows, columns) = transposed ? (n, k) : (k, n)
        BLAS._checkExtent(b.count, offset, rows: rows, columns: columns, ld: ldb, "B")
        self.k = k
        self.n = n
        level = Kernels.nativeLevel
        let size = cv_packed_size(k, n)
        if storage.count < size { storage = [Scalar](repeating: 0, count: size) }
        b.withUnsafeBufferPointer { pb in
            storage.withUnsafeMutableBufferPointer { ps in
                cv_pack_b(k, n, pb.baseAddress! + offset, ldb, transposed ? 1 : 0, ps.baseAddress!)
            }
        }
    }

    /// `C[m × n] = A[m × k] · B` (or `+=` with `accumulate`), row-major with strides `lda`, `ldc`.
    /// - Complexity: 2·m·n·k flops.
    public func multiply(m: Int, _ a: [Scalar], _ aOffset: Int, lda: Int, accumulate: Bool,
                         into c: inout [Scalar], _ cOffset: Int, ldc: Int) {
        if m == 0 || n == 0 { return }
        if k == 0 {
            if !accumulate { for r in 0..<m { Kernels.zero(&c, cOffset + r * ldc, count: n) } }
            return
        }
        BLAS._checkExtent(a.count, aOffset, rows: m, columns: k, ld: lda, "A")
        BLAS._checkExtent(c.count, cOffset, rows: m, columns: n, ld: ldc, "C")
        precondition(level == Kernels.nativeLevel,
                     "packed in the \(level?.description ?? "none") tier, multiplied in \(Kernels.nativeLevelName)")
        a.withUnsafeBufferPointer { pa in
            storage.withUnsafeBufferPointer { ps in
                c.withUnsafeMutableBufferPointer { pc in
                    cv_gemm_packed(m, n, k, pa.baseAddress! + aOffset, lda, ps.baseAddress!, accumulate ? 1 : 0,
                                   pc.baseAddress! + cOffset, ldc)
                }
            }
        }
    }
}
