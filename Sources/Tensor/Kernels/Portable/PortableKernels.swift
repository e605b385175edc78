#if canImport(Glibc)
import Glibc
#endif

/// The portable Swift versions of Tensor's element-wise, softmax and optimiser kernels: explicit
/// `SIMD8<Float>` with wrapping index arithmetic, so they vectorise in `-O` builds on any CPU.
///
/// They are the reference the C (AVX-512, AVX2) versions (``NativeKernels``) are tested against. Callers
/// (the entry points in ``Kernels``) have already checked extents; pointers never escape.
/// `count < 8` in ``load(_:_:)`` and ``store(_:_:_:)`` handles row tails.
enum PortableKernels {
    typealias Vector = SIMD8<Float>

    // MARK: SIMD8 load/store helpers.

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>, _ count: Int) -> Vector {
        if count >= 8 { return UnsafeRawPointer(p).loadUnaligned(as: Vector.self) }
        var v = Vector()
        var i = 0
        while i < count { v[i] = p[i]; i &+= 1 }
        return v
    }

    @inline(__always)
    static func store(_ v: Vector, _ p: UnsafeMutablePointer<Float>, _ count: Int) {
        if count >= 8 { UnsafeMutableRawPointer(p).storeBytes(of: v, as: Vector.self); return }
        var i = 0
        while i < count { p[i] = v[i]; i &+= 1 }
    }

    // MARK: Column reductions and element-wise.

    /// `sums[j] += Σ_r x[r·ld + j]` for `j < columns`.
    @inline(__always)
    static func addColumnSums(rows: Int, columns: Int, ld: Int, _ x: UnsafePointer<Scalar>, into s: UnsafeMutablePointer<Scalar>) {
        var j = 0
        while j < columns {
            let w = min(8, columns &- j)
            var acc = load(s + j, w)
            var r = 0
            while r < rows {
                acc += load(x + (r &* ld &+ j), w)
                r &+= 1
            }
            store(acc, s + j, w)
            j &+= 8
        }
    }

    /// `p[i] = tanh(p[i])` for `count` scalars (``Activations/tanh(_:)-swift.type.method``).
    @inline(__always)
    static func tanhInPlace(count: Int, _ p: UnsafeMutablePointer<Scalar>) {
        var i = 0
        while i < count {
            let w = min(8, count &- i)
            store(Activations.tanh(load(p + i, w)), p + i, w)
            i &+= 8
        }
    }

    /// `d[i] *= 1 − y[i]²` for `count` scalars.
    @inline(__always)
    static func tanhBackward(count: Int, output y: UnsafePointer<Scalar>, _ d: UnsafeMutablePointer<Scalar>) {
        let one = Vector(repeating: 1)
        var i = 0
        while i < count {
            let w = min(8, count &- i)
            let yv = load(y + i, w)
            store(load(d + i, w) * (one - yv * yv), d + i, w)
            i &+= 8
        }
    }

    /// `b[i] += alpha · a[i]` for `count` scalars.
    @inline(__always)
    static func axpy(count: Int, _ alpha: Scalar, _ a: UnsafePointer<Scalar>, _ b: UnsafeMutablePointer<Scalar>) {
        let av = Vector(repeating: alpha)
        var i = 0
        while i < count {
            let w = min(8, count &- i)
            store(load(b + i, w) + av * load(a + i, w), b + i, w)
            i &+= 8
        }
    }

    /// `p[i] *= factor` for `count` scalars.
    @inline(__always)
    static func scale(count: Int, _ p: UnsafeMutablePointer<Scalar>, by factor: Scalar) {
        let f = Vector(repeating: factor)
        var i = 0
        while i < count {
            let w = min(8, count &- i)
            store(load(p + i, w) * f, p + i, w)
            i &+= 8
        }
    }

    /// `x[i] *= mask[i]` for `count` scalars.
    @inline(__always)
    static func multiply(count: Int, _ x: UnsafeMutablePointer<Scalar>, by mask: UnsafePointer<Scalar>) {
        var i = 0
        while i < count {
            let w = min(8, count &- i)
            store(load(x + i, w) * load(mask + i, w), x + i, w)
            i &+= 8
        }
    }

    /// `Σ p[i]²`: Float partial sums over blocks of 1024, then Double (fast and accurate enough).
    @inline(__always)
    static func sumOfSquares(count: Int, _ p: UnsafePointer<Scalar>) -> Double {
        var total = 0.0
        var i = 0
        while i < count {
            let end = min(count, i &+ 1024)
            var acc = Vector()
            while i < end {
                let w = min(8, end &- i)
                let v = load(p + i, w)
                acc += v * v
                i &+= 8
            }
            total += Double(acc.sum())
        }
        return total
    }

    /// Index of the first NaN or ±Inf among `count` scalars, or nil: 8 lanes at a time with
    /// `x − x`, which is 0 for finite values and NaN otherwise.
    @inline(__always)
    static func firstNonFinite(count: Int, _ p: UnsafePointer<Scalar>) -> Int? {
        var i = 0
        while i < count {
            let end = min(count, i &+ 256)
            var acc = Vector()
            var k = i
            while k < end {
                let w = min(8, end &- k)
                let v = load(p + k, w)
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

    /// One softmax row in place with `expf`: `x[j] ← exp((x[j] − m)·scale)`, `m = max x`;
    /// returns the sum (in Double) and `m`.
    @inline(__always)
    static func softmaxRow(_ x: UnsafeMutablePointer<Scalar>, count n: Int, scale: Scalar) -> (sum: Double, maximum: Scalar) {
        var maximum = -Scalar.infinity
        for j in 0 ..< n { maximum = max(maximum, x[j]) }
        var sum: Double = 0
        for j in 0 ..< n {
            let e = expf((x[j] - maximum) * scale)
            x[j] = e
            sum += Double(e)
        }
        return (sum, maximum)
    }

    // MARK: Optimiser steps.

    /// The Adam update of `n` scalars: `m ← β1·m + (1−β1)·g`, `v ← β2·v + (1−β2)·g²`,
    /// `θ ← (1 − decay)·θ − stepSize · m / (√v + ε)` (the same operations as `cv_adam_step`).
    @inline(__always)
    static func adam(_ n: Int, _ p: UnsafeMutablePointer<Scalar>, _ g: UnsafePointer<Scalar>,
                     _ mp: UnsafeMutablePointer<Scalar>, _ vp: UnsafeMutablePointer<Scalar>, stepSize: Scalar,
                     beta1: Scalar, beta2: Scalar, epsilon: Scalar, decay: Scalar) {
        let b1 = Vector(repeating: beta1), c1 = Vector(repeating: 1 - beta1)
        let b2 = Vector(repeating: beta2), c2 = Vector(repeating: 1 - beta2)
        let lr = Vector(repeating: stepSize), eps = Vector(repeating: epsilon)
        let keep = Vector(repeating: 1 - decay)
        var i = 0
        while i < n {
            let w = min(8, n &- i)
            let gv = load(g + i, w)
            let mv = b1 * load(mp + i, w) + c1 * gv
            let vv = b2 * load(vp + i, w) + c2 * (gv * gv)
            store(mv, mp + i, w)
            store(vv, vp + i, w)
            let denominator: Vector = vv.squareRoot() + eps
            let delta: Vector = lr * mv / denominator
            let decayed: Vector = keep * load(p + i, w)
            store(decayed - delta, p + i, w)
            i &+= 8
        }
    }

    /// SGD with momentum over `count` scalars: `u ← μ·u + g; θ ← θ − lr·u`.
    @inline(__always)
    static func momentum(count: Int, _ p: UnsafeMutablePointer<Scalar>, _ g: UnsafePointer<Scalar>,
                         _ u: UnsafeMutablePointer<Scalar>, learningRate: Scalar, momentum: Scalar) {
        let mu = Vector(repeating: momentum), lr = Vector(repeating: learningRate)
        var i = 0
        while i < count {
            let w = min(8, count &- i)
            let uv = mu * load(u + i, w) + load(g + i, w)
            store(uv, u + i, w)
            store(load(p + i, w) - lr * uv, p + i, w)
            i &+= 8
        }
    }
}
