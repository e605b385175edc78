import CAuditKernels
import EmbeddingCore
import EmbeddingIO
import Foundation

/// Per-row numeric results of a batch, computed in parallel.
struct RowNumbers {
    var norm: Float = 0
    var isZero = false
    var hasNonFinite = false
    var fingerprint: (UInt64, UInt64) = (0, 0)
}

/// Which loop scans a row's blocks of eight values: the Swift SIMD8 loop (every CPU, the
/// reference) or its C twin (CAuditKernels) with AVX2 or AVX-512; all give bit-identical results.
enum RowScanKernel: CaseIterable {
    case swift, avx2, avx512

    /// The widest kernel this CPU runs (from ``CharvecRuntime/CPUFeatures/vectorLevel``).
    static let best: RowScanKernel = CPUFeatures.vectorLevel >= 3 ? .avx512 : CPUFeatures.vectorLevel == 2 ? .avx2 : .swift

    /// Whether this CPU can run the kernel.
    var isAvailable: Bool {
        switch self {
        case .swift: return true
        case .avx2: return CPUFeatures.vectorLevel >= 2
        case .avx512: return CPUFeatures.vectorLevel >= 3
        }
    }
}

extension AuditState {
    /// Norm, zero and non-finite tests and fingerprint of one row, in one pass over its
    /// `dimensions` values at `raw` (little-endian float32, possibly unaligned); adds finite
    /// rows to `meanSum` (`dimensions` doubles).
    /// - Parameter kernel: the loop for the blocks of eight (see ``RowScanKernel``); it must be
    ///   available on this CPU. - Complexity: O(dimensions).
    static func rowNumbers(_ raw: UnsafeRawPointer, dimensions dim: Int, meanSum: UnsafeMutablePointer<Double>,
                           kernel: RowScanKernel) -> RowNumbers {
        var result = RowNumbers()
        var sum = SIMD8<Float>(repeating: 0)
        var magnitude = SIMD8<UInt32>(repeating: 0)
        var exponent = SIMD8<UInt32>(repeating: 0)
        var hash = VectorHash()
        var i = 0
        if kernel != .swift {
            // The same loop in C (bit-identical; Swift's baseline build emulates the hash's 64-bit multiplies).
            let blocks = dim / 8
            var highestMagnitude: UInt32 = 0, highestExponent: UInt32 = 0
            withUnsafeMutableBytes(of: &sum) { s in
                withUnsafeMutableBytes(of: &hash.lanes) { l in
                    let sums = s.baseAddress!.assumingMemoryBound(to: Float.self)
                    let lanes = l.baseAddress!.assumingMemoryBound(to: UInt64.self)
                    if kernel == .avx512 {
                        cv_audit_row_blocks(raw, blocks, sums, &highestMagnitude, &highestExponent, lanes)
                    } else {
                        cv_audit_row_blocks_avx2(raw, blocks, sums, &highestMagnitude, &highestExponent, lanes)
                    }
                }
            }
            magnitude = SIMD8(repeating: highestMagnitude)
            exponent = SIMD8(repeating: highestExponent)
            i = blocks &* 8
        }
        while i &+ 8 <= dim {
            let bits = raw.loadUnaligned(fromByteOffset: i &* 4, as: SIMD8<UInt32>.self)
            let v = unsafeBitCast(bits, to: SIMD8<Float>.self)
            sum += v * v
            magnitude |= bits & 0x7FFF_FFFF
            exponent = pointwiseMax(exponent, bits & 0x7F80_0000)
            hash.absorb(unsafeBitCast(bits, to: SIMD4<UInt64>.self))
            i &+= 8
        }
        var tail: Float = 0
        var tailMagnitude: UInt32 = 0
        var tailExponent: UInt32 = 0
        for k in i ..< dim {
            let bits = raw.loadUnaligned(fromByteOffset: k &* 4, as: UInt32.self)
            let value = Float(bitPattern: bits)
            tail += value * value
            tailMagnitude |= bits & 0x7FFF_FFFF
            tailExponent = max(tailExponent, bits & 0x7F80_0000)
            hash.absorb(bits)
        }
        result.isZero = magnitude == SIMD8<UInt32>(repeating: 0) && tailMagnitude == 0
        result.hasNonFinite = max(exponent.max(), tailExponent) == 0x7F80_0000
        if result.hasNonFinite { result.norm = .nan; return result }
        result.norm = (sum.sum() + tail).squareRoot()
        if result.norm == .infinity {
            // Finite values above ~1.8e19 overflow a Float sum of squares (an infinite norm then
            // made the histogram divide ∞ by ∞ and trap): redo the sum in Double, and clamp norms
            // beyond Float's range so that every statistic stays finite.
            var wide = 0.0
            for k in 0 ..< dim {
                let v = Double(raw.loadUnaligned(fromByteOffset: k &* 4, as: Float.self))
                wide += v * v
            }
            result.norm = Float(min(wide.squareRoot(), Double(Float.greatestFiniteMagnitude)))
        }
        // The row is still in L1: a second pass adds it to the mean, in double (huge finite
        // values must not overflow), four lanes at a time.
        if kernel == .avx512 {
            cv_audit_add_to_mean(raw, dim, meanSum)
        } else if kernel == .avx2 {
            cv_audit_add_to_mean_avx2(raw, dim, meanSum)
        } else {
            i = 0
            while i &+ 8 <= dim {
                let v = raw.loadUnaligned(fromByteOffset: i &* 4, as: SIMD8<Float>.self)
                let target = UnsafeMutableRawPointer(meanSum + i)
                target.storeBytes(of: target.loadUnaligned(as: SIMD4<Double>.self) + SIMD4<Double>(v.lowHalf), as: SIMD4<Double>.self)
                target.storeBytes(of: target.loadUnaligned(fromByteOffset: 32, as: SIMD4<Double>.self) + SIMD4<Double>(v.highHalf),
                                  toByteOffset: 32, as: SIMD4<Double>.self)
                i &+= 8
            }
            for k in i ..< dim { meanSum[k] += Double(raw.loadUnaligned(fromByteOffset: k &* 4, as: Float.self)) }
        }
        if !result.isZero { result.fingerprint = hash.finish(byteCount: dim * 4) }
        return result
    }
}
