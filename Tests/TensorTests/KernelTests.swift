import XCTest
import Tensor
import TestSupport

final class KernelTests: XCTestCase {
    func testColumnSumsAndBroadcastAgainstLoops() {
        let x = randomProjection(count: 7 * 13, seed: 4)
        var sums = [Float](repeating: 1, count: 12)
        Kernels.addColumnSums(x, 1, rows: 7, columns: 11, ld: 13, into: &sums, 1)
        var expected = [Float](repeating: 1, count: 12)
        for j in 0..<11 { for r in 0..<7 { expected[1 + j] += x[1 + r * 13 + j] } }
        assertClose(sums, expected)
        var y = [Float](repeating: 0, count: 3 * 12)
        Kernels.broadcastRows(expected, 1, into: &y, 0, rows: 3, columns: 11, ld: 12)
        for r in 0..<3 { XCTAssertEqual(Array(y[r * 12 ..< r * 12 + 11]), Array(expected[1...11])) }
    }

    func testAxpyScaleAndSumOfSquares() {
        let x = randomProjection(count: 37, seed: 5)
        var y = randomProjection(count: 37, seed: 6)
        let y0 = y
        Kernels.axpy(0.5, x, 0, &y, 0, count: 37)
        assertClose(y, zip(x, y0).map { 0.5 * $0 + $1 })
        Kernels.scale(&y, 0, count: 37, by: 2)
        assertClose(y, zip(x, y0).map { x0, yy in 2 * (0.5 * x0 + yy) })
        let ss = Kernels.sumOfSquares(x, 0, count: 37)
        XCTAssertEqual(ss, x.reduce(0) { $0 + Double($1) * Double($1) }, accuracy: 1e-5)
    }

    func testFirstNonFiniteFindsTheFirstBadScalar() {
        var x = [Float](repeating: 1, count: 1000)
        XCTAssertNil(Kernels.firstNonFinite(x, 0, count: 1000))
        x[700] = .infinity
        x[903] = .nan
        XCTAssertEqual(Kernels.firstNonFinite(x, 0, count: 1000), 700)
        XCTAssertEqual(Kernels.firstNonFinite(x, 800, count: 200), 103)
        XCTAssertNil(Kernels.firstNonFinite(x, 0, count: 700))
    }

    func testSplitMixIsDeterministic() {
        var a = SplitMix64(seed: 42), b = SplitMix64(seed: 42)
        for _ in 0..<100 { XCTAssertEqual(a.next(), b.next()) }
        var c = SplitMix64(seed: 7)
        let u = (0..<10_000).map { _ in c.nextUnit() }
        XCTAssertTrue(u.allSatisfy { $0 >= 0 && $0 < 1 })
        XCTAssertEqual(Double(u.reduce(0, +)) / 10_000, 0.5, accuracy: 0.02)
    }
}
