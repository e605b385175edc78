import CKernels
import EmbeddingCore
import Tensor

// Small unsafe-pointer kernels. Index arithmetic wraps (&+, &*) so that overflow checks
// do not block vectorisation in -O builds; callers guarantee the ranges.
// n = vector length (the dimension).

/// Dot product of two `n`-vectors with four SIMD8 accumulators (hides add latency).
@inline(__always) @usableFromInline
func _dot(_ a: UnsafePointer<Scalar>, _ b: UnsafePointer<Scalar>, _ n: Int) -> Scalar {
    let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
    var s0 = SIMD8<Scalar>(), s1 = SIMD8<Scalar>(), s2 = SIMD8<Scalar>(), s3 = SIMD8<Scalar>()
    var i = 0
    while i &+ 32 <= n {
        let o = i &* 4
        s0 += ra.loadUnaligned(fromByteOffset: o, as: SIMD8<Scalar>.self)
            * rb.loadUnaligned(fromByteOffset: o, as: SIMD8<Scalar>.self)
        s1 += ra.loadUnaligned(fromByteOffset: o &+ 32, as: SIMD8<Scalar>.self)
            * rb.loadUnaligned(fromByteOffset: o &+ 32, as: SIMD8<Scalar>.self)
        s2 += ra.loadUnaligned(fromByteOffset: o &+ 64, as: SIMD8<Scalar>.self)
            * rb.loadUnaligned(fromByteOffset: o &+ 64, as: SIMD8<Scalar>.self)
        s3 += ra.loadUnaligned(fromByteOffset: o &+ 96, as: SIMD8<Scalar>.self)
            * rb.loadUnaligned(fromByteOffset: o &+ 96, as: SIMD8<Scalar>.self)
        i &+= 32
    }
    while i &+ 8 <= n {
        let o = i &* 4
        s0 += ra.loadUnaligned(fromByteOffset: o, as: SIMD8<Scalar>.self)
            * rb.loadUnaligned(fromByteOffset: o, as: SIMD8<Scalar>.self)
        i &+= 8
    }
    var s = ((s0 + s1) + (s2 + s3)).sum()
    while i < n {
        s += a[i] * b[i]
        i &+= 1
    }
    return s
}

/// Writes `x / ‖x‖` to `y` and returns ‖x‖. A zero or non-finite norm writes zeros.
@usableFromInline
func _normalize(_ x: UnsafePointer<Scalar>, into y: UnsafeMutablePointer<Scalar>, _ n: Int) -> Scalar {
    let norm = _dot(x, x, n).squareRoot()
    if norm > 0 && norm.isFinite {
        // Divide (not multiply by the reciprocal), as gensim's `vectors / norms` does.
        var i = 0
        while i < n {
            y[i] = x[i] / norm
            i &+= 1
        }
    } else {
        y.update(repeating: 0, count: n)
    }
    return norm
}

/// Scans rows `lo ..< hi` of the row-major `matrix` (`n` columns) against `query`
/// and offers each row that is not flagged in `skip` to `top`.
/// - Complexity: O((hi − lo) × n); memory-bandwidth bound for large ranges.
@usableFromInline
func _scanRows(_ matrix: UnsafePointer<Scalar>, _ n: Int, _ lo: Int, _ hi: Int,
               _ query: UnsafePointer<Scalar>, _ skip: UnsafePointer<Bool>,
               _ excluded: Set<Int>, into top: inout TopK) {
    // Scores come a block at a time from the C row scan (one sequential stream, faster than
    // sgemv's interleaved rows), or from sgemv without C kernels; the block's scores stay in L1
    // for the threshold pass.
    let block = 2048, native = Kernels.usesNativeKernels
    var threshold = top.threshold
    withUnsafeTemporaryAllocation(of: Scalar.self, capacity: block) { scores in
        let s = scores.baseAddress!
        var start = lo
        while start < hi {
            let count = min(block, hi &- start)
            if native {
                cv_dot_rows(count, n, matrix + start &* n, query, s)
            } else {
                BLAS.gemv(m: count, n: n, matrix + start &* n, lda: n, query, s)
            }
            for j in 0 ..< count where s[j] >= threshold {
                // Rare path: only candidates that beat the current k-th score are checked further.
                let row = start &+ j
                if !skip[row] && (excluded.isEmpty || !excluded.contains(row)) {
                    top.insert(Neighbor(row: row, score: s[j]))
                    threshold = top.threshold
                }
            }
            start &+= count
        }
    }
}
