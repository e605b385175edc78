/// SplitMix64 (Steele, Lea & Flood 2014): a tiny, fast, seedable generator.
///
/// Every random draw (initialisation, dropout masks, negative sampling, HNSW levels, test data)
/// goes through this type so that a seed reproduces a run bit for bit on any platform.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1) with 24 random bits.
    public mutating func nextUnit() -> Scalar {
        Scalar(next() >> 40) * (1.0 / 16_777_216.0)
    }

    /// Uniform in [`lower`, `upper`).
    public mutating func uniform(_ lower: Scalar, _ upper: Scalar) -> Scalar {
        lower + (upper - lower) * nextUnit()
    }

    /// Standard normal by Box–Muller (one of the pair; simplicity over speed).
    public mutating func normal() -> Scalar {
        let u1 = Double(next() >> 11) * 0x1.0p-53
        let u2 = Double(next() >> 11) * 0x1.0p-53
        let radius = (-2 * _log(max(u1, 1e-300))).squareRoot()
        return Scalar(radius * _cos(2 * Double.pi * u2))
    }

    /// Uniform integer in `0..<upperBound`.
    public mutating func nextIndex(_ upperBound: Int) -> Int {
        precondition(upperBound > 0)
        return Int(next() % UInt64(upperBound))
    }
}

#if canImport(Glibc)
import Glibc
@inline(__always) private func _log(_ x: Double) -> Double { Glibc.log(x) }
@inline(__always) private func _cos(_ x: Double) -> Double { Glibc.cos(x) }
#else
import Darwin
@inline(__always) private func _log(_ x: Double) -> Double { Darwin.log(x) }
@inline(__always) private func _cos(_ x: Double) -> Double { Darwin.cos(x) }
#endif
