import XCTest
import Tensor
import TestSupport

final class BLASTests: XCTestCase {
    func naive(_ ta: Bool, _ tb: Bool, m: Int, n: Int, k: Int, _ a: [Float], _ ao: Int, _ lda: Int,
               _ b: [Float], _ bo: Int, _ ldb: Int, beta: Float, _ c: [Float], _ co: Int, _ ldc: Int) -> [Float] {
        var out = c
        for i in 0..<m {
            for j in 0..<n {
                var s = 0.0
                for p in 0..<k {
                    let av = ta ? a[ao + p * lda + i] : a[ao + i * lda + p]
                    let bv = tb ? b[bo + j * ldb + p] : b[bo + p * ldb + j]
                    s += Double(av) * Double(bv)
                }
                out[co + i * ldc + j] = Float(s) + beta * c[co + i * ldc + j]
            }
        }
        return out
    }

    func testGemmMatchesNaiveLoopsWithOffsetsStridesAndTransposes() {
        let (m, n, k) = (5, 7, 3)
        let a = randomProjection(count: 64, seed: 1), b = randomProjection(count: 64, seed: 2)
        let c0 = randomProjection(count: 80, seed: 3)
        for ta in [false, true] {
            for tb in [false, true] {
                for beta: Float in [0, 1] {
                    let lda = (ta ? m : k) + 1, ldb = (tb ? k : n) + 2, ldc = n + 3
                    var c = c0
                    BLAS.gemm(transposeA: ta, transposeB: tb, m: m, n: n, k: k, a, 2, lda: lda, b, 1, ldb: ldb,
                              beta: beta, &c, 4, ldc: ldc)
                    let expected = naive(ta, tb, m: m, n: n, k: k, a, 2, lda, b, 1, ldb, beta: beta, c0, 4, ldc)
                    assertClose(c, expected, "transA \(ta) transB \(tb) beta \(beta)")
                }
            }
        }
    }

    func testGemmWithEmptyInnerDimensionScalesC() {
        var c: [Float] = [1, 2, 3, 4]
        BLAS.gemm(m: 2, n: 2, k: 0, [], 0, lda: 1, [], 0, ldb: 2, beta: 0, &c, 0, ldc: 2)
        XCTAssertEqual(c, [0, 0, 0, 0])
    }

    func testMatrixGemm() {
        let a = Matrix(rows: 2, columns: 3, values: [1, 2, 3, 4, 5, 6])
        let b = Matrix(rows: 3, columns: 2, values: [1, 0, 0, 1, 1, 1])
        var c = Matrix(rows: 2, columns: 2)
        BLAS.gemm(a, b, into: &c)
        XCTAssertEqual(c.storage, [4, 5, 10, 11])
    }
}

/// The OpenBLAS family charvec restarts with: a narrower one than the CPU is widened, a wider one
/// (illegal instructions) is narrowed, a fitting one is kept.
final class KernelChoiceTests: XCTestCase {
    func testRestartsOnlyWhenTheFamilyDoesNotFitTheCPU() {
        let cases: [(current: String, level: Int, preferred: String?, expected: String?)] = [
            ("Prescott", 2, "Haswell", "Haswell"), ("Prescott", 3, "Cooperlake", "Cooperlake"),
            ("Haswell", 3, "SkylakeX", "SkylakeX"), ("Zen", 2, "Haswell", nil), ("Haswell", 2, "Haswell", nil),
            ("SkylakeX", 3, "SkylakeX", nil), ("SkylakeX", 2, "Haswell", "Haswell"), ("Cooperlake", 2, "Haswell", "Haswell"),
            ("Haswell", 1, nil, "Prescott"), ("SkylakeX", 1, nil, "Prescott"), ("Prescott", 1, nil, nil),
            ("Haswell", 0, nil, nil), ("an unknown family", 2, "Haswell", "Haswell"),
        ]
        for c in cases {
            XCTAssertEqual(KernelChoice.betterCore(than: c.current, cpuLevel: c.level, preferred: c.preferred), c.expected,
                           "\(c.current) on a level-\(c.level) CPU")
        }
    }
}
