import XCTest
import TestSupport
@testable import Tensor
#if canImport(Glibc)
import Glibc
#endif

extension XCTestCase {
    /// The C kernel tiers this CPU can run: on an AVX-512 machine the AVX2 tier too.
    var nativeTiers: [NativeKernelLevel] { NativeKernelLevel.allCases.filter(\.isAvailable) }

    /// Runs `body` with the C kernels selected, once per tier in ``nativeTiers``.
    func forEachNativeTier(_ body: (NativeKernelLevel) throws -> Void) rethrows {
        for tier in nativeTiers {
            try Kernels.withNativeLevel(tier) { try Kernels.withImplementation(.native) { try body(tier) } }
        }
    }
}

/// The choice of tier (CPUID, forced levels) and the exponential's edges in every tier: the
/// underflow threshold, −∞, the largest inputs the softmax can see, and NaN.
final class AVX2KernelTests: XCTestCase {
    /// CKernels' detection agrees with CharvecRuntime's independent CPUID test, and forcing a
    /// lower tier takes effect and is undone.
    func testTierFollowsTheCPUAndCanBeLowered() {
        let expected: NativeKernelLevel? = KernelChoice.cpuLevel == 3 ? .avx512 : KernelChoice.cpuLevel == 2 ? .avx2 : nil
        XCTAssertEqual(Kernels.nativeLevel, expected, "CPU vector level \(KernelChoice.cpuLevel)")
        XCTAssertEqual(KernelImplementation.native.isAvailable, expected != nil)
        XCTAssertEqual(Kernels.nativeLevelName, expected.map(\.description) ?? "none")
        XCTAssertEqual(KernelImplementation.native.description, Kernels.nativeLevelName)
        XCTAssertEqual(Kernels.usesNativeKernels, expected != nil, "the C kernels run by default where the CPU can")
        guard expected != nil else { return }
        Kernels.withNativeLevel(.avx2) {
            XCTAssertEqual(Kernels.nativeLevel, .avx2)
            XCTAssertEqual(Kernels.nativeLevelName, "AVX2+FMA")
            XCTAssertEqual(KernelImplementation.native.description, "AVX2+FMA")
        }
        XCTAssertEqual(Kernels.nativeLevel, expected, "restored")
        XCTAssertEqual(NativeKernelLevel.avx512.isAvailable, expected == .avx512)
    }

    func softmax(_ x: [Scalar], scale: Scalar) -> (row: [Scalar], sum: Double, maximum: Scalar) {
        var row = x
        let (sum, maximum) = row.withUnsafeMutableBufferPointer { Kernels.softmaxRow($0.baseAddress!, count: x.count, scale: scale) }
        return (row, sum, maximum)
    }

    /// Differences from the maximum across the underflow threshold (−87.33654) and far below it,
    /// in the vector body and in the tail (n = 19): 0 below the threshold, expf's value within
    /// 1e-6 relative above it.
    func testExponentialUnderflowsToZero() {
        let below: [Scalar] = [-87.34, -87.5, -88, -100, -104, -1e4, -1e30, -.infinity]
        let above: [Scalar] = [0, -1e-7, -0.34657, 0.34657 - 1, -10, -50, -80, -87, -87.3, -87.33]
        let x = below + above + [-87.35]
        XCTAssertEqual(x.count, 19)
        for offset in [0, 5] {  // the same values in other lanes of the body and the tail
            let row = Array(x[offset...] + x[..<offset])
            forEachNativeTier { tier in
                let got = softmax(row, scale: 1)
                XCTAssertEqual(got.maximum, 0, "\(tier)")
                var expected = 0.0
                for (j, v) in row.enumerated() {
                    if v < -87.33654 {
                        XCTAssertEqual(got.row[j], 0, "\(tier) x \(v) underflows to 0")
                    } else {
                        let e = expf(v)
                        expected += Double(e)
                        XCTAssertEqual(got.row[j], e, accuracy: 1e-6 * e, "\(tier) x \(v)")
                    }
                }
                XCTAssertEqual(got.sum, expected, accuracy: 1e-6 * expected, "\(tier)")
            }
        }
    }

    /// The exponential's reduction at every rounding boundary of n = round(x·log2 e) in [−126, 0]
    /// (x near k·ln2 ± ln2/2): within 1e-6 relative of expf (2^n built from the exponent bits).
    func testExponentialAcrossEveryPowerOfTwo() {
        var x: [Scalar] = []
        for k in 0 ... 125 {
            let center = -Scalar(k) * 0.693_147_2
            x += [center, center - 0.346_57, center - 0.346_58, center - 0.2]
        }
        x = x.filter { $0 >= -87.33 }
        forEachNativeTier { tier in
            let got = softmax(x, scale: 1)
            for (j, v) in x.enumerated() {
                XCTAssertEqual(got.row[j], expf(v), accuracy: 2e-6 * expf(v), "\(tier) x \(v)")
            }
        }
    }

    /// A row of NaN filling whole vectors of both tiers gives a NaN maximum. (x86 max returns its
    /// second operand on NaN, and the AVX-512 reduction is maxnum: with fewer NaN than lanes the
    /// maximum can come out −∞ in both tiers; the loss is NaN anyway through the positive's score.)
    func testSoftmaxOfNaNRowHasNaNMaximum() {
        for n in [16, 32, 48] {
            forEachNativeTier { tier in
                XCTAssertTrue(softmax([Scalar](repeating: .nan, count: n), scale: 20).maximum.isNaN, "\(tier) n \(n)")
            }
        }
    }

    /// Scale and maximum as the contrastive loss uses them: a small temperature makes most
    /// exponentials underflow, and the tail lanes past n stay untouched.
    func testSoftmaxTailWritesNothingPastTheRow() {
        var rng = SplitMix64(seed: 7)
        for n in [1, 7, 9, 15, 16, 17, 31] {
            let x = (0 ..< n + 4).map { _ in Scalar(2 * rng.nextUnit() - 1) }
            forEachNativeTier { tier in
                var row = x
                _ = row.withUnsafeMutableBufferPointer { Kernels.softmaxRow($0.baseAddress!, count: n, scale: 1000) }
                XCTAssertEqual(Array(row[n...]), Array(x[n...]), "\(tier) n \(n)")
                let top = x[..<n].max()!
                for j in 0 ..< n {
                    let e = expf((x[j] - top) * 1000)
                    XCTAssertEqual(row[j], e, accuracy: 1e-6 * max(e, 1e-30), "\(tier) n \(n) j \(j)")
                }
            }
        }
    }
}
