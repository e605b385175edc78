import CharvecRuntime

/// Element-wise and reduction kernels over `[Scalar]` buffers.
///
/// Every public entry checks its extents once, then hands raw pointers that never escape to
/// the implementation ``implementation`` selects: the portable SIMD8 loops
/// (``PortableKernels``, `Kernels/Portable`) or, for the kernels that have one, the C (AVX-512 or AVX2)
/// version (``NativeKernels``, `Kernels/Native.swift`). That `if` in each entry is the only place
/// where the choice is made. Offsets address sub-blocks of a larger flat buffer (a parameter
/// set, a packed batch).
public enum Kernels {
    public typealias Vector = SIMD8<Float>

    @inline(__always)
    static func _check(_ count: Int, _ offset: Int, _ length: Int, _ name: StaticString) {
        precondition(offset >= 0 && length >= 0 && offset + length <= count,
                     "\(name): \(length) scalars at offset \(offset) exceed buffer of \(count)")
    }

    // MARK: Row broadcasts and column reductions.

    /// Sets each of `rows` rows (stride `ld`, `columns` wide) of `y` to `bias[biasOffset ..< +columns]`.
    public static func broadcastRows(_ bias: [Scalar], _ biasOffset: Int, into y: inout [Scalar], _ yOffset: Int,
                                     rows: Int, columns: Int, ld: Int) {
        if rows == 0 { return }
        _check(bias.count, biasOffset, columns, "bias")
        _check(y.count, yOffset, (rows - 1) * ld + columns, "y")
        bias.withUnsafeBufferPointer { pb in
            y.withUnsafeMutableBufferPointer { py in
                let b = pb.baseAddress! + biasOffset
                for r in 0..<rows {
                    (py.baseAddress! + (yOffset &+ r &* ld)).update(from: b, count: columns)
                }
            }
        }
    }

    /// `sums[j] += Σ_r x[r, j]` over `rows` rows of width `columns` (stride `ld`): bias gradients.
    public static func addColumnSums(_ x: [Scalar], _ xOffset: Int, rows: Int, columns: Int, ld: Int,
                                     into sums: inout [Scalar], _ sumsOffset: Int) {
        if rows == 0 { return }
        _check(x.count, xOffset, (rows - 1) * ld + columns, "x")
        _check(sums.count, sumsOffset, columns, "sums")
        x.withUnsafeBufferPointer { px in
            sums.withUnsafeMutableBufferPointer { ps in
                let x = px.baseAddress! + xOffset, s = ps.baseAddress! + sumsOffset
                if _native {
                    NativeKernels.addColumnSums(rows: rows, columns: columns, ld: ld, x, into: s)
                } else {
                    PortableKernels.addColumnSums(rows: rows, columns: columns, ld: ld, x, into: s)
                }
            }
        }
    }

    // MARK: Element-wise.

    /// `y[i] = tanh(y[i])` for `count` scalars.
    public static func tanhInPlace(_ y: inout [Scalar], _ offset: Int, count: Int) {
        _check(y.count, offset, count, "y")
        y.withUnsafeMutableBufferPointer { py in
            let p = py.baseAddress! + offset
            if _native { NativeKernels.tanh(count: count, p, p) } else { PortableKernels.tanhInPlace(count: count, p) }
        }
    }

    /// `d[i] *= 1 − y[i]²` in place: backward of tanh given its output `y`.
    public static func tanhBackward(output y: [Scalar], _ d: inout [Scalar], count: Int) {
        _check(y.count, 0, count, "y"); _check(d.count, 0, count, "d")
        y.withUnsafeBufferPointer { py in
            d.withUnsafeMutableBufferPointer { pd in
                PortableKernels.tanhBackward(count: count, output: py.baseAddress!, pd.baseAddress!)
            }
        }
    }

    /// `y[i] += alpha · x[i]` for `count` scalars.
    public static func axpy(_ alpha: Scalar, _ x: [Scalar], _ xOffset: Int, _ y: inout [Scalar], _ yOffset: Int, count: Int) {
        _check(x.count, xOffset, count, "x"); _check(y.count, yOffset, count, "y")
        x.withUnsafeBufferPointer { px in
            y.withUnsafeMutableBufferPointer { py in
                PortableKernels.axpy(count: count, alpha, px.baseAddress! + xOffset, py.baseAddress! + yOffset)
            }
        }
    }

    /// `x[i] *= factor` for `count` scalars.
    public static func scale(_ x: inout [Scalar], _ offset: Int, count: Int, by factor: Scalar) {
        _check(x.count, offset, count, "x")
        x.withUnsafeMutableBufferPointer { px in
            PortableKernels.scale(count: count, px.baseAddress! + offset, by: factor)
        }
    }

    /// `x[i] *= mask[i]` for `count` scalars (dropout forward and backward).
    public static func multiply(_ x: inout [Scalar], by mask: [Scalar], count: Int) {
        _check(x.count, 0, count, "x"); _check(mask.count, 0, count, "mask")
        x.withUnsafeMutableBufferPointer { px in
            mask.withUnsafeBufferPointer { pm in
                PortableKernels.multiply(count: count, px.baseAddress!, by: pm.baseAddress!)
            }
        }
    }

    /// `Σ x[i]²` accumulated in Double per 8-lane block. - Complexity: O(count).
    public static func sumOfSquares(_ x: [Scalar], _ offset: Int, count: Int) -> Double {
        _check(x.count, offset, count, "x")
        return x.withUnsafeBufferPointer { px in PortableKernels.sumOfSquares(count: count, px.baseAddress! + offset) }
    }

    /// Index (relative to `offset`) of the first NaN or ±Inf among `count` scalars, or nil.
    public static func firstNonFinite(_ x: [Scalar], _ offset: Int, count: Int) -> Int? {
        _check(x.count, offset, count, "x")
        return x.withUnsafeBufferPointer { px in PortableKernels.firstNonFinite(count: count, px.baseAddress! + offset) }
    }

    /// `dst[dstOffset + r·dstLd + j] = src[srcOffset + r·srcLd + j]` for a `rows × columns` block.
    public static func copyRows(_ src: [Scalar], _ srcOffset: Int, srcLd: Int, into dst: inout [Scalar], _ dstOffset: Int,
                                dstLd: Int, rows: Int, columns: Int) {
        if rows == 0 || columns == 0 { return }
        _check(src.count, srcOffset, (rows - 1) * srcLd + columns, "src")
        _check(dst.count, dstOffset, (rows - 1) * dstLd + columns, "dst")
        src.withUnsafeBufferPointer { ps in
            dst.withUnsafeMutableBufferPointer { pd in
                for r in 0..<rows {
                    (pd.baseAddress! + (dstOffset &+ r &* dstLd)).update(from: ps.baseAddress! + (srcOffset &+ r &* srcLd),
                                                                      count: columns)
                }
            }
        }
    }

    /// Sets `count` scalars from `offset` to zero.
    public static func zero(_ x: inout [Scalar], _ offset: Int, count: Int) {
        if count == 0 { return }
        _check(x.count, offset, count, "x")
        x.withUnsafeMutableBufferPointer { px in (px.baseAddress! + offset).update(repeating: 0, count: count) }
    }
}
