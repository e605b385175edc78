import CBLAS

/// Row-major GEMM through OpenBLAS, over `[Scalar]` buffers addressed by offset and leading dimension.
///
/// Layers keep many matrices in one flat buffer (all parameters, or all timesteps of a packed
/// batch), so the entry points take `(buffer, offset, leading dimension)` triples instead of
/// ``Matrix`` values. Extents are checked once per call, then the pointers go to `cblas_sgemm`.
public enum BLAS {
    /// Sets the size of OpenBLAS's own thread pool (process-wide).
    ///
    /// Use 1 when the caller parallelises itself (e.g. splits a batch across threads):
    /// OpenBLAS's pthreads otherwise compete with the caller's.
    public static func setThreadCount(_ count: Int) {
        precondition(count >= 1, "thread count must be positive (got \(count))")
        openblas_set_num_threads(Int32(count))
    }

    /// The kernel family OpenBLAS chose at load time ("Cooperlake", "Haswell", …): from the CPU,
    /// or from the `OPENBLAS_CORETYPE` environment variable when that is set.
    public static var coreName: String { openblas_get_corename().map { String(cString: $0) } ?? "unknown" }

    /// The current size of OpenBLAS's thread pool.
    public static var threadCount: Int { Int(openblas_get_num_threads()) }

    /// `C = alpha · op(A) · op(B) + beta · C` for row-major operands.
    ///
    /// Shapes: `op(A)` is `m × k`, `op(B)` is `k × n`, `C` is `m × n`. `op(X)` is `Xᵀ` when the
    /// matching `transpose` flag is set; `lda`/`ldb`/`ldc` are the row strides of the stored
    /// (untransposed) matrices. With `beta == 0`, `C` need not be initialised.
    /// - Complexity: 2·m·n·k flops.
    public static func gemm(
        transposeA: Bool = false, transposeB: Bool = false,
        m: Int, n: Int, k: Int, alpha: Scalar = 1,
        _ a: [Scalar], _ aOffset: Int, lda: Int,
        _ b: [Scalar], _ bOffset: Int, ldb: Int,
        beta: Scalar,
        _ c: inout [Scalar], _ cOffset: Int, ldc: Int
    ) {
        if m == 0 || n == 0 { return }
        let (aRows, aCols) = transposeA ? (k, m) : (m, k)
        let (bRows, bCols) = transposeB ? (n, k) : (k, n)
        _checkExtent(a.count, aOffset, rows: aRows, columns: aCols, ld: lda, "A")
        _checkExtent(b.count, bOffset, rows: bRows, columns: bCols, ld: ldb, "B")
        _checkExtent(c.count, cOffset, rows: m, columns: n, ld: ldc, "C")
        if k == 0 {
            // BLAS leaves C untouched for k == 0 only when beta == 1; make beta explicit.
            scale(&c, cOffset, rows: m, columns: n, ld: ldc, by: beta)
            return
        }
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    cblas_sgemm(
                        CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                        Int32(m), Int32(n), Int32(k), alpha,
                        pa.baseAddress! + aOffset, Int32(lda),
                        pb.baseAddress! + bOffset, Int32(ldb),
                        beta, pc.baseAddress! + cOffset, Int32(ldc))
                }
            }
        }
    }

    /// `C = A · Bᵀ` on row-major blocks that live in other storage (a memory-mapped table, a
    /// worker's scratch): `A` is `m × k` (row stride `lda`), `B` is `n × k` (`ldb`), `C` is
    /// `m × n` (`ldc`). For callers inside the package that hold the pointers within a closure.
    /// - Complexity: 2·m·n·k flops.
    @inline(__always)
    package static func gemmTransposedB(m: Int, n: Int, k: Int, _ a: UnsafePointer<Scalar>, lda: Int,
                                        _ b: UnsafePointer<Scalar>, ldb: Int, _ c: UnsafeMutablePointer<Scalar>, ldc: Int) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(n), Int32(k),
                    1, a, Int32(lda), b, Int32(ldb), 0, c, Int32(ldc))
    }

    /// `y = A · x` for a row-major `m × n` block `A` (row stride `lda`) in other storage: the
    /// scores of one query against a block of table rows. For callers inside the package that hold
    /// the pointers within a closure. - Complexity: 2·m·n flops, one pass over `A`.
    @inline(__always)
    package static func gemv(m: Int, n: Int, _ a: UnsafePointer<Scalar>, lda: Int, _ x: UnsafePointer<Scalar>,
                             _ y: UnsafeMutablePointer<Scalar>) {
        cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(m), Int32(n), 1, a, Int32(lda), x, 1, 0, y, 1)
    }

    /// `C = alpha · op(A) · op(B) + beta · C` on whole matrices.
    public static func gemm(
        transposeA: Bool = false, transposeB: Bool = false, alpha: Scalar = 1,
        _ a: Matrix, _ b: Matrix, beta: Scalar = 0, into c: inout Matrix
    ) {
        let (m, k) = transposeA ? (a.columns, a.rows) : (a.rows, a.columns)
        let (k2, n) = transposeB ? (b.columns, b.rows) : (b.rows, b.columns)
        precondition(k == k2, "inner dimensions differ: \(k) vs \(k2)")
        precondition(c.rows == m && c.columns == n, "C is \(c.rows) × \(c.columns), expected \(m) × \(n)")
        gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
             a.storage, 0, lda: a.columns, b.storage, 0, ldb: b.columns, beta: beta,
             &c.storage, 0, ldc: c.columns)
    }

    @inline(__always)
    static func _checkExtent(_ count: Int, _ offset: Int, rows: Int, columns: Int, ld: Int, _ name: StaticString) {
        precondition(ld >= max(columns, 1), "\(name): leading dimension \(ld) < columns \(columns)")
        precondition(offset >= 0 && (rows == 0 || columns == 0 || offset + (rows - 1) * ld + columns <= count),
                     "\(name): \(rows) × \(columns) (ld \(ld)) at offset \(offset) exceeds buffer of \(count)")
    }

    static func scale(_ c: inout [Scalar], _ offset: Int, rows: Int, columns: Int, ld: Int, by beta: Scalar) {
        for r in 0..<rows {
            for j in 0..<columns { c[offset + r * ld + j] = beta == 0 ? 0 : c[offset + r * ld + j] * beta }
        }
    }
}
