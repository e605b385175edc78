import XCTest
import TestSupport
@testable import Tensor

/// The packed recurrent-step GEMM, in every C tier this CPU has, against OpenBLAS on the same
/// operands: row blocks of 12, 8, 4, 2, 1 (AVX-512) and 6, 4, 2, 1 (AVX2), column tails inside
/// a 32-wide panel and inside each 16-wide half, K longer than one 256 block, both packings,
/// overwrite and accumulate, offsets and strides wider than the matrices, NaN rows.
final class PackedGEMMTests: XCTestCase {
    override func setUpWithError() throws {
        try XCTSkipUnless(KernelImplementation.native.isAvailable,
                          "this CPU has neither AVX2 + FMA nor AVX-512: the step GEMMs use BLAS only")
    }

    func random(_ n: Int, seed: UInt64) -> [Scalar] {
        var rng = SplitMix64(seed: seed)
        return (0..<n).map { _ in 2 * rng.nextUnit() - 1 }
    }

    func testMatchesBLASOnEveryBlockAndTail() {
        forEachNativeTier(checkAgainstBLAS)
    }

    func checkAgainstBLAS(_ tier: NativeKernelLevel) {
        let shapes = [(1, 1, 1), (3, 7, 5), (13, 7, 33), (27, 50, 200), (64, 200, 50), (31, 300, 47), (12, 256, 1024),
                      (5, 513, 20), (17, 257, 16), (23, 33, 8), (11, 64, 63), (64, 256, 1024), (64, 1024, 256)]
        for (index, (m, k, n)) in shapes.enumerated() {
            for transposed in [false, true] {
                for accumulate in [false, true] {
                    let what = "\(tier) m \(m) k \(k) n \(n) transposed \(transposed) accumulate \(accumulate)"
                    let lda = k + 3, ldc = n + 5, aOffset = 2, cOffset = 7, bOffset = 4
                    let ldb = transposed ? k + 1 : n + 2
                    let a = random(aOffset + m * lda, seed: UInt64(index))
                    let b = random(bOffset + (transposed ? n : k) * ldb, seed: UInt64(100 + index))
                    let c0 = random(cOffset + m * ldc, seed: UInt64(200 + index))
                    var expected = c0, actual = c0
                    BLAS.gemm(transposeB: transposed, m: m, n: n, k: k, a, aOffset, lda: lda, b, bOffset, ldb: ldb,
                              beta: accumulate ? 1 : 0, &expected, cOffset, ldc: ldc)
                    var packed = PackedOperand()
                    packed.pack(b, bOffset, k: k, n: n, ldb: ldb, transposed: transposed)
                    packed.multiply(m: m, a, aOffset, lda: lda, accumulate: accumulate, into: &actual, cOffset, ldc: ldc)
                    var worst: Float = 0
                    for i in expected.indices { worst = max(worst, abs(expected[i] - actual[i])) }
                    XCTAssertLessThan(worst, 1e-5 * Float(k).squareRoot(), what)
                    // Outside the m × n block (strides, offsets) nothing was written.
                    for r in 0..<m {
                        for j in n ..< ldc where cOffset + r * ldc + j < c0.count {
                            XCTAssertEqual(actual[cOffset + r * ldc + j], c0[cOffset + r * ldc + j], what)
                        }
                    }
                    XCTAssertEqual(Array(actual[0..<cOffset]), Array(c0[0..<cOffset]), what)
                }
            }
        }
    }

    /// A NaN in a row of A makes that row of C NaN and no other (the zero padding of the last
    /// panel never reaches C).
    func testNaNStaysInItsRow() {
        let m = 9, k = 40, n = 37
        var a = random(m * k, seed: 5)
        a[4 * k + 17] = .nan
        let b = random(k * n, seed: 6)
        forEachNativeTier { tier in
            var packed = PackedOperand()
            packed.pack(b, 0, k: k, n: n, ldb: n, transposed: false)
            var c = [Scalar](repeating: 0, count: m * n)
            packed.multiply(m: m, a, 0, lda: k, accumulate: false, into: &c, 0, ldc: n)
            for r in 0 ..< m {
                let row = c[r * n ..< (r + 1) * n]
                XCTAssertTrue(r == 4 ? row.allSatisfy(\.isNaN) : row.allSatisfy(\.isFinite), "\(tier) row \(r)")
            }
        }
    }

    func testRepackingReusesStorageForSmallerOperands() {
        forEachNativeTier { _ in checkRepacking() }
    }

    func checkRepacking() {
        var packed = PackedOperand()
        let big = random(64 * 64, seed: 1), small = random(5 * 3, seed: 2), a = random(2 * 5, seed: 3)
        packed.pack(big, 0, k: 64, n: 64, ldb: 64, transposed: false)
        packed.pack(small, 0, k: 5, n: 3, ldb: 3, transposed: false)
        var expected = [Scalar](repeating: 0, count: 6), actual = expected
        BLAS.gemm(m: 2, n: 3, k: 5, a, 0, lda: 5, small, 0, ldb: 3, beta: 0, &expected, 0, ldc: 3)
        packed.multiply(m: 2, a, 0, lda: 5, accumulate: false, into: &actual, 0, ldc: 3)
        for i in 0..<6 { XCTAssertEqual(actual[i], expected[i], accuracy: 1e-5) }
    }
}
