import XCTest
import TestSupport
@testable import Tensor

/// The contrastive loss's fused pass, in every C tier this CPU has, against a direct
/// double-precision computation: batches across one and several 32-row panels and 8-lane groups
/// (with tails), tables across 256-row chunks (with tails), dimensions across the 256 block of
/// the scores and not multiples of the 6- or 12-row blocks, batches of more than one 128-row
/// block, positives inside and outside the table, a maximum that grows chunk after chunk
/// (rescaling), a temperature at which most exponentials underflow, NaN predictions.
final class CandidateScanTests: XCTestCase {
    override func setUpWithError() throws {
        try XCTSkipUnless(KernelImplementation.native.isAvailable,
                          "this CPU has neither AVX2 + FMA nor AVX-512: the loss uses BLAS only")
    }

    func units(_ rows: Int, _ d: Int, seed: UInt64) -> [Scalar] {
        var rng = SplitMix64(seed: seed)
        return normalized((0 ..< rows * d).map { _ in Scalar(2 * rng.nextUnit() - 1) }, rows: rows, d: d)
    }

    func testMatchesADirectComputation() {
        let shapes = [(1, 1, 1), (3, 7, 5), (17, 255, 33), (32, 256, 384), (33, 257, 300), (64, 700, 384), (70, 513, 64),
                      (300, 40, 9), (9, 600, 257), (15, 300, 13), (5, 260, 7)]
        forEachNativeTier { tier in
            var scanner = CandidateScanner()
            for (index, (b, n, d)) in shapes.enumerated() {
                let table = units(n + 3, d, seed: UInt64(index)), u = units(b, d, seed: UInt64(100 + index))
                let positives = (0 ..< b).map { $0 % 5 == 4 ? n + $0 : ($0 * 37) % n }  // some outside the table
                check(&scanner, table, offset: 2 * d, n: n, d: d, u: u, b: b, scale: 1 / 0.05, positives: positives, "\(tier)")
            }
        }
    }

    /// A table sorted by score for every prediction (all predictions close to one direction), so
    /// each chunk raises the running maximum and rescales what was summed; and a temperature of
    /// 0.001, at which most exponentials underflow to 0.
    func testRescalingAndUnderflow() {
        let b = 13, n = 1100, d = 37
        var u = units(b, d, seed: 1)
        for r in 0 ..< b { for k in 0 ..< d { u[r * d + k] = u[r * d + k] * 0.2 + (k == 0 ? 1 : 0) } }
        u = normalized(u, rows: b, d: d)
        var table = units(n, d, seed: 2)
        let order = (0 ..< n).sorted { table[$0 * d] < table[$1 * d] }  // ascending along the first axis
        table = normalized(order.flatMap { table[$0 * d ..< ($0 + 1) * d] }, rows: n, d: d)
        let positives = (0 ..< b).map { ($0 * 91) % n }
        forEachNativeTier { tier in
            var scanner = CandidateScanner()
            for scale: Scalar in [20, 1000] {
                check(&scanner, table, offset: 0, n: n, d: d, u: u, b: b, scale: scale, positives: positives, "\(tier) scale \(scale)")
            }
        }
    }

    /// A NaN prediction makes its row's maximum NaN (so the loss is NaN) and leaves the other rows exact.
    func testNaNPredictionStaysInItsRow() {
        let b = 11, n = 300, d = 20
        var u = units(b, d, seed: 3)
        u[9 * d + 4] = .nan
        let table = units(n, d, seed: 4), positives = (0 ..< b).map { $0 * 7 }
        forEachNativeTier { tier in
            var scanner = CandidateScanner()
            let got = scanner.scan(table, 0, count: n, dimensions: d, units: u, rows: b, scale: 20, positives: positives)
            XCTAssertTrue(got.maximum[9].isNaN && got.positive[9].isNaN, "\(tier)")
            var clean = u
            for k in 0 ..< d { clean[9 * d + k] = 0 }
            let expected = scanner.scan(table, 0, count: n, dimensions: d, units: clean, rows: b, scale: 20, positives: positives)
            for r in 0 ..< b where r != 9 {
                XCTAssertEqual(got.maximum[r], expected.maximum[r], "\(tier) row \(r)")
                XCTAssertEqual(got.sum[r], expected.sum[r], "\(tier) row \(r)")
                XCTAssertEqual(Array(got.weighted[r * d ..< (r + 1) * d]), Array(expected.weighted[r * d ..< (r + 1) * d]), "\(tier) row \(r)")
            }
        }
    }

    func normalized(_ x: [Scalar], rows: Int, d: Int) -> [Scalar] {
        var x = x
        for r in 0 ..< rows {
            let norm = (0 ..< d).reduce(Scalar(0)) { $0 + x[r * d + $1] * x[r * d + $1] }.squareRoot()
            for j in 0 ..< d { x[r * d + j] /= norm }
        }
        return x
    }

    /// One scan against the direct computation in Double.
    func check(_ scanner: inout CandidateScanner, _ table: [Scalar], offset: Int, n: Int, d: Int, u: [Scalar], b: Int,
               scale: Scalar, positives: [Int], _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        let got = scanner.scan(table, offset, count: n, dimensions: d, units: u, rows: b, scale: scale, positives: positives)
        for r in 0 ..< b {
            let what = "\(label) b \(b) n \(n) d \(d) row \(r)"
            let scores = (0 ..< n).map { j in (0 ..< d).reduce(0.0) { $0 + Double(u[r * d + $1]) * Double(table[offset + j * d + $1]) } }
            let top = scores.max()!
            XCTAssertEqual(Double(got.maximum[r]), top, accuracy: 1e-5, what, file: file, line: line)
            let e = scores.map { Foundation.exp(($0 - top) * Double(scale)) }
            XCTAssertEqual(got.sum[r], e.reduce(0, +), accuracy: 1e-4 * e.reduce(0, +), what, file: file, line: line)
            let y = positives[r]
            XCTAssertEqual(Double(got.positive[r]), y < n ? scores[y] : 0, accuracy: 1e-5, what, file: file, line: line)
            for k in 0 ..< d {
                let w = (0 ..< n).reduce(0.0) { $0 + e[$1] * Double(table[offset + $1 * d + k]) }
                XCTAssertEqual(Double(got.weighted[r * d + k]), w, accuracy: 1e-4 * max(1, abs(w)), "\(what) dim \(k)",
                               file: file, line: line)
            }
        }
    }
}
