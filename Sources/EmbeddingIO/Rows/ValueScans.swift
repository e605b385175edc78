import EmbeddingCore

extension EmbeddingRecordReader {
    /// Whether any of `n` values is NaN or ±Inf (exponent bits all ones), 8 lanes at a time:
    /// the masked exponent never exceeds `0x7F800000`, so its maximum reaches it iff one does.
    @inline(__always)
    static func containsNonFinite(_ p: UnsafePointer<Scalar>, _ n: Int) -> Bool {
        let exponent: UInt32 = 0x7F80_0000
        let raw = UnsafeRawPointer(p)
        var highest = SIMD8<UInt32>(repeating: 0)
        var i = 0
        while i &+ 8 <= n {
            let v = raw.loadUnaligned(fromByteOffset: i &* 4, as: SIMD8<UInt32>.self)
            highest = pointwiseMax(highest, v & exponent)
            i &+= 8
        }
        var tail: UInt32 = 0
        while i < n {
            tail = max(tail, raw.loadUnaligned(fromByteOffset: i &* 4, as: UInt32.self) & exponent)
            i &+= 1
        }
        return max(highest.max(), tail) == exponent
    }

    /// Copies `n` values from `source` (unaligned) to `target` and tells whether any is NaN or
    /// ±Inf, in one pass (copy, then check, reads every value twice).
    @inline(__always)
    static func copyCheckingFinite(from source: UnsafeRawPointer, to target: UnsafeMutablePointer<Scalar>, _ n: Int) -> Bool {
        let exponent: UInt32 = 0x7F80_0000
        let out = UnsafeMutableRawPointer(target)
        var highest = SIMD8<UInt32>(repeating: 0)
        var i = 0
        while i &+ 16 <= n {
            let a = source.loadUnaligned(fromByteOffset: i &* 4, as: SIMD8<UInt32>.self)
            let b = source.loadUnaligned(fromByteOffset: (i &+ 8) &* 4, as: SIMD8<UInt32>.self)
            out.storeBytes(of: a, toByteOffset: i &* 4, as: SIMD8<UInt32>.self)
            out.storeBytes(of: b, toByteOffset: (i &+ 8) &* 4, as: SIMD8<UInt32>.self)
            highest = pointwiseMax(highest, pointwiseMax(a & exponent, b & exponent))
            i &+= 16
        }
        var tail: UInt32 = 0
        while i < n {
            let v = source.loadUnaligned(fromByteOffset: i &* 4, as: UInt32.self)
            out.storeBytes(of: v, toByteOffset: i &* 4, as: UInt32.self)
            tail = max(tail, v & exponent)
            i &+= 1
        }
        return max(highest.max(), tail) == exponent
    }
}
