import CKernels
import CharvecRuntime

/// Element-wise and reduction kernels over `[Scalar]` buffers, written with explicit
/// `SIMD8<Float>` and wrapping index arithmetic so they vectorise in `-O` builds.
///
/// Every public entry checks its extents once, then works on raw pointers that never escape.
/// Offsets address sub-blocks of a larger flat buffer (a parameter set, a packed batch).
public enum Kernels {
    public typealias Vector = SIMD8<Float>

    /// Whether the AVX-512 C kernels (CKernels) replace the portable SIMD8 code: decided once from
    /// the CPU. Tests flip it to check both paths against each other (XCTest runs serially).
    nonisolated(unsafe) static var _native = CPUFeatures.runsAVX512Kernels

    /// Whether this process runs the AVX-512 element-wise kernels (else the portable SIMD8 ones).
    public static var usesNativeKernels: Bool { _native }

    // MARK: SIMD8 load/store helpers (count < 8 handles row tails).

    @inline(__always)
    static func _load(_ p: UnsafePointer<Float>, _ count: Int) -> Vector {
        if count >= 8 { return UnsafeRawPointer(p).loadUnaligned(as: Vector.self) }
        var v = Vector()
        var i = 0
        while i < count { v[i] = p[i]; i &+= 1 }
        return v
    }

    @inline(__always)
    static func _store(_ v: Vector, _ p: UnsafeMutablePointer<Float>, _ count: Int) {
        if count >= 8 { UnsafeMutableRawPointer(p).storeBytes(of: v, as: Vector.self); return }
        var i = 0
        while i < count { p[i] = v[i]; i &+= 1 }
    }

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
                if _native {
                    cv_add_column_sums(rows, columns, ld, px.baseAddress! + xOffset, ps.baseAddress! + sumsOffset)
                    return
                }
                let s = ps.baseAddress! + sumsOffset
                var j = 0
                while j < columns {
                    let w = min(8, columns &- j)
                    var acc = _load(s + j, w)
                    var r = 0
                    while r < rows {
                        acc += _load(px.baseAddress! + (xOffset &+ r &* ld &+ j), w)
                        r &+= 1
                    }
                    _store(acc, s + j, w)
                    j &+= 8
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
            if _native { cv_tanh(count, p, p); return }
            var i = 0
            while i < count {
                let w = min(8, count &- i)
                _store(Activations.tanh(_load(p + i, w)), p + i, w)
                i &+= 8
            }
        }
    }

    /// `d[i] *= 1 − y[i]²` in place: backward of tanh given its output `y`.
    public static func tanhBackward(output y: [Scalar], _ d: inout [Scalar], count: Int) {
        _check(y.count, 0, count, "y"); _check(d.count, 0, count, "d")
        y.withUnsafeBufferPointer { py in
            d.withUnsafeMutableBufferPointer { pd in
                let one = Vector(repeating: 1)
                var i = 0
                while i < count {
                    let w = min(8, count &- i)
                    let yv = _load(py.baseAddress! + i, w)
                    _store(_load(pd.baseAddress! + i, w) * (one - yv * yv), pd.baseAddress! + i, w)
                    i &+= 8
                }
            }
        }
    }

    /// `y[i] += alpha · x[i]` for `count` scalars.
    public static func axpy(_ alpha: Scalar, _ x: [Scalar], _ xOffset: Int, _ y: inout [Scalar], _ yOffset: Int, count: Int) {
        _check(x.count, xOffset, count, "x"); _check(y.count, yOffset, count, "y")
        x.withUnsafeBufferPointer { px in
            y.withUnsafeMutableBufferPointer { py in
                let a = px.baseAddress! + xOffset, b = py.baseAddress! + yOffset
                let av = Vector(repeating: alpha)
                var i = 0
                while i < count {
                    let w = min(8, count &- i)
                    _store(_load(b + i, w) + av * _load(a + i, w), b + i, w)
                    i &+= 8
                }
            }
        }
    }

    /// `x[i] *= factor` for `count` scalars.
    public static func scale(_ x: inout [Scalar], _ offset: Int, count: Int, by factor: Scalar) {
        _check(x.count, offset, count, "x")
        x.withUnsafeMutableBufferPointer { px in
            let p = px.baseAddress! + offset
            let f = Vector(repeating: factor)
            var i = 0
            while i < count {
                let w = min(8, count &- i)
                _store(_load(p + i, w) * f, p + i, w)
                i &+= 8
            }
        }
    }

    /// `x[i] *= mask[i]` for `count` scalars (dropout forward and backward).
    public static func multiply(_ x: inout [Scalar], by mask: [Scalar], count: Int) {
        _check(x.count, 0, count, "x"); _check(mask.count, 0, count, "mask")
        x.withUnsafeMutableBufferPointer { px in
            mask.withUnsafeBufferPointer { pm in
                var i = 0
                while i < count {
                    let w = min(8, count &- i)
                    _store(_load(px.baseAddress! + i, w) * _load(pm.baseAddress! + i, w), px.baseAddress! + i, w)
                    i &+= 8
                }
            }
        }
    }

    /// `Σ x[i]²` accumulated in Double per 8-lane block. - Complexity: O(count).
    public static func sumOfSquares(_ x: [Scalar], _ offset: Int, count: Int) -> Double {
        _check(x.count, offset, count, "x")
        return x.withUnsafeBufferPointer { px in
            let p = px.baseAddress! + offset
            var total = 0.0
            var i = 0
            // Float partial sums over blocks of 1024, then Double: fast and accurate enough.
            while i < count {
                let end = min(count, i &+ 1024)
                var acc = Vector()
                while i < end {
                    let w = min(8, end &- i)
                    let v = _load(p + i, w)
                    acc += v * v
                    i &+= 8
                }
                total += Double(acc.sum())
            }
            return total
        }
    }

    /// Index (relative to `offset`) of the first NaN or ±Inf among `count` scalars, or nil.
    ///
    /// Scans 8 lanes at a time with `x − x`, which is 0 for finite values and NaN otherwise.
    public static func firstNonFinite(_ x: [Scalar], _ offset: Int, count: Int) -> Int? {
        _check(x.count, offset, count, "x")
        return x.withUnsafeBufferPointer { px -> Int? in
            let p = px.baseAddress! + offset
            var i = 0
            while i < count {
                let end = min(count, i &+ 256)
                var acc = Vector()
                var k = i
                while k < end {
                    let w = min(8, end &- k)
                    let v = _load(p + k, w)
                    acc += v - v
                    k &+= 8
                }
                if acc != Vector() {
                    for j in i..<end where !p[j].isFinite { return j }
                }
                i = end
            }
            return nil
        }
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

    // MARK: Optimiser steps.

    /// One bias-corrected Adam step over `count` scalars (Kingma & Ba 2015, Algorithm 1):
    ///
    /// ```
    /// m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²
    /// θ ← θ − stepSize · m / (√v + ε̂)   with stepSize = lr·√(1−β2ᵗ)/(1−β1ᵗ), ε̂ = ε·√(1−β2ᵗ)
    /// ```
    /// (the ε̂ form equals `lr · m̂ / (√v̂ + ε)` exactly). `weightDecay` adds decoupled decay
    /// `θ ← θ − lr·λ·θ` (AdamW); 0 disables it.
    /// With `twoThreads`, the AVX-512 path updates large buffers in two halves on ``SpinTeam/shared``.
    public static func adamStep(parameters: inout [Scalar], gradients: [Scalar], firstMoment m: inout [Scalar],
                                secondMoment v: inout [Scalar], stepSize: Scalar, beta1: Scalar, beta2: Scalar,
                                epsilonHat: Scalar, decay: Scalar, twoThreads: Bool = false) {
        let count = parameters.count
        precondition(gradients.count == count && m.count == count && v.count == count, "Adam buffers differ in size")
        parameters.withUnsafeMutableBufferPointer { pp in
            gradients.withUnsafeBufferPointer { pg in
                m.withUnsafeMutableBufferPointer { pm in
                    v.withUnsafeMutableBufferPointer { pv in
                        if _native {
                            let p = _UncheckedSendable((pp.baseAddress!, pg.baseAddress!, pm.baseAddress!, pv.baseAddress!))
                            func half(_ part: Int, of parts: Int) {
                                let (a, b, c, d) = p.value
                                let start = (count / parts * part) & ~15, end = part == parts - 1 ? count : (count / parts * (part + 1)) & ~15
                                cv_adam_step(end - start, a + start, b + start, c + start, d + start,
                                             stepSize, beta1, beta2, epsilonHat, decay)
                            }
                            if twoThreads && count >= 1 << 16 { SpinTeam.shared.run { half($0, of: 2) } } else { half(0, of: 1) }
                            return
                        }
                        _adamPortable(count, pp.baseAddress!, pg.baseAddress!, pm.baseAddress!, pv.baseAddress!,
                                      stepSize: stepSize, beta1: beta1, beta2: beta2, epsilon: epsilonHat, decay: decay)
                    }
                }
            }
        }
    }

    /// One SGD-with-momentum step: `u ← μ·u + g; θ ← θ − lr·u` (PyTorch's form).
    public static func momentumStep(parameters: inout [Scalar], gradients: [Scalar], velocity: inout [Scalar],
                                    learningRate: Scalar, momentum: Scalar) {
        let count = parameters.count
        precondition(gradients.count == count && velocity.count == count, "SGD buffers differ in size")
        parameters.withUnsafeMutableBufferPointer { pp in
            gradients.withUnsafeBufferPointer { pg in
                velocity.withUnsafeMutableBufferPointer { pu in
                    let mu = Vector(repeating: momentum), lr = Vector(repeating: learningRate)
                    var i = 0
                    while i < count {
                        let w = min(8, count &- i)
                        let u = mu * _load(pu.baseAddress! + i, w) + _load(pg.baseAddress! + i, w)
                        _store(u, pu.baseAddress! + i, w)
                        _store(_load(pp.baseAddress! + i, w) - lr * u, pp.baseAddress! + i, w)
                        i &+= 8
                    }
                }
            }
        }
    }
}

extension Kernels {
    /// Sparse Adam over whole rows (PyTorch's `SparseAdam` form): for each `k`, table row
    /// `rows[k]` of `parameters`, `m`, `v` (`[N × d]`) steps with gradient row `k` of `gradients`
    /// (`[rows.count × d]`): `m ← β1·m + (1−β1)·g`, `v ← β2·v + (1−β2)·g²`,
    /// `θ ← θ − stepSize · m / (√v + ε)`. Rows must be distinct. - Complexity: O(rows × d).
    public static func adamRows(_ rows: [Int32], dimensions d: Int, parameters: inout [Scalar], gradients: [Scalar],
                                firstMoment m: inout [Scalar], secondMoment v: inout [Scalar], stepSize: Scalar,
                                beta1: Scalar, beta2: Scalar, epsilon: Scalar) {
        precondition(gradients.count >= rows.count * d && m.count == parameters.count && v.count == parameters.count,
                     "sparse Adam buffers differ in size")
        precondition(rows.allSatisfy { $0 >= 0 && (Int($0) + 1) * d <= parameters.count }, "row outside the table")
        parameters.withUnsafeMutableBufferPointer { pp in
            gradients.withUnsafeBufferPointer { pg in
                m.withUnsafeMutableBufferPointer { pm in
                    v.withUnsafeMutableBufferPointer { pv in
                        for (k, row) in rows.enumerated() {
                            let base = Int(row) * d
                            let p = pp.baseAddress! + base, g = pg.baseAddress! + k * d
                            let mp = pm.baseAddress! + base, vp = pv.baseAddress! + base
                            if _native {
                                cv_adam_step(d, p, g, mp, vp, stepSize, beta1, beta2, epsilon, 0)
                                continue
                            }
                            _adamPortable(d, p, g, mp, vp, stepSize: stepSize, beta1: beta1, beta2: beta2, epsilon: epsilon,
                                          decay: 0)
                        }
                    }
                }
            }
        }
    }
}

extension Kernels {
    /// The portable SIMD8 Adam update of `n` scalars: `m ← β1·m + (1−β1)·g`, `v ← β2·v + (1−β2)·g²`,
    /// `θ ← (1 − decay)·θ − stepSize · m / (√v + ε)` (the same operations as `cv_adam_step`).
    @inline(__always)
    static func _adamPortable(_ n: Int, _ p: UnsafeMutablePointer<Scalar>, _ g: UnsafePointer<Scalar>,
                              _ mp: UnsafeMutablePointer<Scalar>, _ vp: UnsafeMutablePointer<Scalar>, stepSize: Scalar,
                              beta1: Scalar, beta2: Scalar, epsilon: Scalar, decay: Scalar) {
        let b1 = Vector(repeating: beta1), c1 = Vector(repeating: 1 - beta1)
        let b2 = Vector(repeating: beta2), c2 = Vector(repeating: 1 - beta2)
        let lr = Vector(repeating: stepSize), eps = Vector(repeating: epsilon)
        let keep = Vector(repeating: 1 - decay)
        var i = 0
        while i < n {
            let w = min(8, n &- i)
            let gv = _load(g + i, w)
            let mv = b1 * _load(mp + i, w) + c1 * gv
            let vv = b2 * _load(vp + i, w) + c2 * (gv * gv)
            _store(mv, mp + i, w)
            _store(vv, vp + i, w)
            let denominator: Vector = vv.squareRoot() + eps
            let delta: Vector = lr * mv / denominator
            let decayed: Vector = keep * _load(p + i, w)
            _store(decayed - delta, p + i, w)
            i &+= 8
        }
    }
}
