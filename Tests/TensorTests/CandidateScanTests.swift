import XCTest
import TestSupport
@testable import Tensor

/// The contrastive loss's fused pass against a direct double-precision computation: batches
/// across one and several 32-row panels (with tails), tables across 256-row chunks (with tails),
/// dimensions across the 256 block of the scores, batches of more than one 128-row block,
/// positives inside and outside the table.
final class CandidateScanTests: XCTestCase {
    override func setUpWithError() throws {
        try XCTSkipUnless(KernelImplementation.native.isAvailable, "this CPU lacks AVX-512: the loss uses BLAS only")
    }

    func units(_ rows: Int, _ d: Int, seed: UInt64) -> [Scalar] {
        var rng = SplitMix64(seed: seed)
        var x = (0 ..< rows * d).map { _ in Scalar(2 * rng.nextUnit() - 1) }
        for r in 0 ..< rows {
            let norm = (0 ..< d).reduce(Scalar(0)) { $0 + x[r * d + $1] * x[r * d + $1] }.squareRoot()
            for j in 0 ..< d { x[r * d + j] /= norm }
        }
        return x
    }

    func testMatchesADirectComputation() {
        let shapes = [(1, 1, 1), (3, 7, 5), (17, 255, 33), (32, 256, 384), (33, 257, 300), (64, 700, 384), (70, 513, 64), (300, 40, 9)]
        var scanner = CandidateScanner()
        for (index, (b, n, d)) in shapes.enumerated() {
            let offset = 2 * d
            let table = units(n + 3, d, seed: UInt64(index)), u = units(b, d, seed: UInt64(100 + index))
            let positives = (0 ..< b).map { $0 % 5 == 4 ? n + $0 : ($0 * 37) % n }  // some outside the table
            let scale: Scalar = 1 / 0.05
            let got = scanner.scan(table, offset, count: n, dimensions: d, units: u, rows: b, scale: scale, positives: positives)
            for r in 0 ..< b {
                let what = "b \(b) n \(n) d \(d) row \(r)"
                let scores = (0 ..< n).map { j in (0 ..< d).reduce(0.0) { $0 + Double(u[r * d + $1]) * Double(table[offset + j * d + $1]) } }
                let top = scores.max()!
                XCTAssertEqual(Double(got.maximum[r]), top, accuracy: 1e-5, what)
                let e = scores.map { Foundation.exp(($0 - top) * Double(scale)) }
                XCTAssertEqual(got.sum[r], e.reduce(0, +), accuracy: 1e-4 * e.reduce(0, +), what)
                let y = positives[r]
                XCTAssertEqual(Double(got.positive[r]), y < n ? scores[y] : 0, accuracy: 1e-5, what)
                for k in 0 ..< d {
                    let w = (0 ..< n).reduce(0.0) { $0 + e[$1] * Double(table[offset + $1 * d + k]) }
                    XCTAssertEqual(Double(got.weighted[r * d + k]), w, accuracy: 1e-4 * max(1, abs(w)), "\(what) dim \(k)")
                }
            }
        }
    }
}
