#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Decimal text → `Float`, bit-identical to `strtof` (round-to-nearest-even).
///
/// Fast path (Clinger 1990): a mantissa of at most 2⁵³ and a power of ten of at most
/// 10²² are exact doubles, so one multiply or divide gives the correctly rounded
/// double `d`. Rounding `d` to float is then correct unless `d` sits exactly on a
/// midpoint between two floats (the double-rounding case) or is subnormal as a float;
/// those, and every other spelling (`nan`, `inf`, hex, > 19 digits), go to `strtof`.
/// Typical embedding text takes the fast path, which is several times faster than `strtof`.
public enum FloatParser {
    /// 10^e for 0 ≤ e ≤ 22, all exact doubles (a switch: no lazy global on the hot path).
    @usableFromInline @inline(__always)
    static func powerOfTen(_ e: Int) -> Double {
        switch e {
        case 0: return 1e0
        case 1: return 1e1
        case 2: return 1e2
        case 3: return 1e3
        case 4: return 1e4
        case 5: return 1e5
        case 6: return 1e6
        case 7: return 1e7
        case 8: return 1e8
        case 9: return 1e9
        case 10: return 1e10
        case 11: return 1e11
        case 12: return 1e12
        case 13: return 1e13
        case 14: return 1e14
        case 15: return 1e15
        case 16: return 1e16
        case 17: return 1e17
        case 18: return 1e18
        case 19: return 1e19
        case 20: return 1e20
        case 21: return 1e21
        default: return 1e22
        }
    }

    /// Parses the whole token `[start, end)`; nil when it is not a number (or has trailing junk).
    @inlinable @inline(__always)
    public static func parse(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Float? {
        let (value, next) = parseToken(start, end)
        return next == end ? value : nil
    }

    /// Whether the 8 bytes are all ASCII digits (fast_float's test, one load).
    @inlinable @inline(__always)
    static func _isEightDigits(_ v: UInt64) -> Bool {
        ((v & 0xF0F0_F0F0_F0F0_F0F0) | (((v &+ 0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0) >> 4)) == 0x3333_3333_3333_3333
    }

    /// The value of 8 ASCII digits loaded little-endian (first digit most significant), SWAR.
    @inlinable @inline(__always)
    static func _eightDigits(_ v: UInt64) -> UInt64 {
        var x = v &- 0x3030_3030_3030_3030
        x = (x &* 10) &+ (x >> 8)
        x = (((x & 0x0000_00FF_0000_00FF) &* (100 &+ (1_000_000 << 32)))
            &+ (((x >> 16) & 0x0000_00FF_0000_00FF) &* (1 &+ (10_000 << 32)))) >> 32
        return x & 0xFFFF_FFFF
    }

    /// Parses the token starting at `start` and ending at the first space, tab or `limit`.
    /// - Returns: the value (nil when the token is not a number) and where the token ends.
    @inlinable @inline(__always)
    public static func parseToken(_ start: UnsafePointer<UInt8>, _ limit: UnsafePointer<UInt8>) -> (Float?, UnsafePointer<UInt8>) {
        var p = start
        if p == limit { return (nil, p) }
        var negative = false
        if p.pointee == UInt8(ascii: "-") { negative = true; p += 1 }
        else if p.pointee == UInt8(ascii: "+") { p += 1 }
        var mantissa: UInt64 = 0
        var digits = 0 // significant digits taken into the mantissa
        var exponent = 0
        var sawDigit = false
        while p < limit, p.pointee &- 48 < 10 {
            if digits < 19 { mantissa = mantissa &* 10 &+ UInt64(p.pointee &- 48); if mantissa != 0 { digits &+= 1 } }
            else { exponent &+= 1; digits &+= 1 }
            sawDigit = true
            p += 1
        }
        if p < limit, p.pointee == UInt8(ascii: ".") {
            p += 1
            // Eight fraction digits at a time while they fit in the 19-digit mantissa.
            while p + 8 <= limit, digits &+ 8 <= 19 {
                let v = UnsafeRawPointer(p).loadUnaligned(as: UInt64.self)
                guard _isEightDigits(v) else { break }
                let eight = _eightDigits(v)
                mantissa = mantissa &* 100_000_000 &+ eight
                if digits > 0 { digits &+= 8 } else if mantissa != 0 { digits = _digitCount(mantissa) }
                exponent &-= 8
                sawDigit = true
                p += 8
            }
            while p < limit, p.pointee &- 48 < 10 {
                if digits < 19 { mantissa = mantissa &* 10 &+ UInt64(p.pointee &- 48); exponent &-= 1; if mantissa != 0 { digits &+= 1 } }
                else { digits &+= 1 }
                sawDigit = true
                p += 1
            }
        }
        if sawDigit, p < limit, p.pointee | 0x20 == UInt8(ascii: "e") {
            p += 1
            var expNegative = false
            if p < limit, p.pointee == UInt8(ascii: "-") { expNegative = true; p += 1 }
            else if p < limit, p.pointee == UInt8(ascii: "+") { p += 1 }
            var e = 0
            var sawExpDigit = false
            while p < limit, p.pointee &- 48 < 10 {
                if e < 100_000 { e = e &* 10 &+ Int(p.pointee &- 48) }
                sawExpDigit = true
                p += 1
            }
            if !sawExpDigit { return (nil, _tokenEnd(p, limit)) }
            exponent &+= expNegative ? -e : e
        }
        if p < limit && p.pointee != 0x20 && p.pointee != 0x09 {
            // Not a plain decimal (nan, inf, hex, junk): strtof judges the whole token.
            let end = _tokenEnd(p, limit)
            return (_slowPath(start, end), end)
        }
        if !sawDigit { return (_slowPath(start, p), p) }
        if digits > 19 || mantissa > (1 << 53) { return (_slowPath(start, p), p) }
        if mantissa == 0 { return (negative ? -0.0 : 0.0, p) }
        if exponent < -22 || exponent > 22 { return (_slowPath(start, p), p) }
        var d = Double(mantissa)
        if exponent < 0 { d /= powerOfTen(-exponent) } else { d *= powerOfTen(exponent) }
        // Exactly halfway between two floats, or outside the normal float range: let strtof decide.
        let bits = d.bitPattern
        if bits & 0x1FFF_FFFF == 0x1000_0000 || d < 1.1754943508222875e-38 || d > 3.4028234663852886e38 {
            return (_slowPath(start, p), p)
        }
        let f = Float(d)
        return (negative ? -f : f, p)
    }

    @usableFromInline @inline(__always)
    static func _tokenEnd(_ from: UnsafePointer<UInt8>, _ limit: UnsafePointer<UInt8>) -> UnsafePointer<UInt8> {
        var p = from
        while p < limit && p.pointee != 0x20 && p.pointee != 0x09 { p += 1 }
        return p
    }

    /// Decimal digits of a nonzero value below 10^8.
    @usableFromInline @inline(__always)
    static func _digitCount(_ v: UInt64) -> Int {
        var count = 1, bound: UInt64 = 10
        while v >= bound { count &+= 1; bound &*= 10 }
        return count
    }

    /// `strtof` on a NUL-terminated copy; nil unless the whole token is consumed.
    @usableFromInline
    static func _slowPath(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Float? {
        let length = end - start
        if length == 0 || length > 4096 { return nil }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: length + 1) { buffer -> Float? in
            let base = buffer.baseAddress!
            UnsafeMutableRawPointer(base).copyMemory(from: start, byteCount: length)
            base[length] = 0
            // strtof accepts leading whitespace and hex floats; we accept neither leading
            // whitespace (tokens are already split) nor anything it does not consume.
            if base[0] == 0x20 || base[0] == 0x09 { return nil }
            // strtof also reads hex floats and "nan(…)"; Python and gensim do not, nor do we.
            for i in 0 ..< length where base[i] == 0x78 || base[i] == 0x58 || base[i] == 0x28 { return nil }
            var endPointer: UnsafeMutablePointer<CChar>? = nil
            let value = strtof(base, &endPointer)
            guard let endPointer, endPointer - base == length else { return nil }
            return value
        }
    }

    /// Convenience for tests and small inputs.
    public static func parse(_ text: String) -> Float? {
        var text = text
        return text.withUTF8 { buffer -> Float? in
            guard let base = buffer.baseAddress else { return nil }
            return parse(base, base + buffer.count)
        }
    }
}
