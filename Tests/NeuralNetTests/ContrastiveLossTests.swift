import Foundation
import XCTest
import NeuralNet
import Tensor
import TestSupport

/// InfoNCE over a fixed table: value by hand, finite-difference gradients, the packed-table path,
/// threads, and no NaN at zero predictions or extreme temperatures.
final class ContrastiveLossTests: XCTestCase {
    let b = 4, d = 6, n = 9

    /// `n` unit rows.
    var table: [Float] {
        var t = randomProjection(count: n * d, seed: 11)
        for r in 0 ..< n {
            let norm = (0 ..< d).reduce(0.0) { $0 + Double(t[r * d + $1] * t[r * d + $1]) }.squareRoot()
            for j in 0 ..< d { t[r * d + j] = Float(Double(t[r * d + j]) / norm) }
        }
        return t
    }
    let positives = [2, 0, 7, 2]

    func predictions(_ seed: UInt64) -> Matrix { Matrix(rows: b, columns: d, values: randomProjection(count: b * d, seed: seed)) }

    func testValueMatchesTheDefinition() {
        let loss = ContrastiveLoss(temperature: 0.2, cosineWeight: 0.5)
        let p = predictions(3), t = table
        var expected = 0.0
        for r in 0 ..< b {
            let norm = (0 ..< d).reduce(0.0) { $0 + Double(p[r, $1] * p[r, $1]) }.squareRoot()
            let cosines = (0 ..< n).map { c in (0 ..< d).reduce(0.0) { $0 + Double(p[r, $1]) * Double(t[c * d + $1]) } / norm }
            let logSum = log(cosines.reduce(0.0) { $0 + exp($1 / 0.2) })
            expected += logSum - cosines[positives[r]] / 0.2 + 0.5 * (1 - cosines[positives[r]])
        }
        XCTAssertEqual(loss(p, candidates: t, count: n, positives: positives).value, expected / Double(b), accuracy: 1e-5)
    }

    func testGradientMatchesFiniteDifferences() {
        for (tau, lambda) in [(Float(0.5), Float(0)), (0.1, 0.5), (1, 2)] {
            let loss = ContrastiveLoss(temperature: tau, cosineWeight: lambda)
            let p = predictions(5), t = table
            let analytic = loss(p, candidates: t, count: n, positives: positives).gradient
            var values = p.storage
            assertGradientsMatch(checkGradients(values: &values, analytic: analytic.storage, step: 1e-3) { v in
                loss(Matrix(rows: self.b, columns: self.d, values: v), candidates: t, count: self.n, positives: self.positives).value
            }, "contrastive τ \(tau) λ \(lambda)")
        }
    }

    func testFixedTableTwoThreadsAndPackedPathAgree() {
        let t = table, p = predictions(7)
        let reference = ContrastiveLoss(temperature: 0.05, cosineWeight: 0.5)
        let expected = reference(p, candidates: t, count: n, positives: positives)
        let fixed = ContrastiveLoss(temperature: 0.05, cosineWeight: 0.5)
        fixed.threads = 2
        fixed.setTable(t, count: n, dimensions: d)
        let got = fixed(p, positives: positives)
        XCTAssertEqual(got.value, expected.value, accuracy: 1e-5)
        for i in got.gradient.storage.indices {
            XCTAssertEqual(got.gradient.storage[i], expected.gradient.storage[i], accuracy: 1e-4, "gradient \(i)")
        }
    }

    /// A table of several chunks of the fused pass, split between two threads at an odd row.
    func testFixedTableOfSeveralChunksMatchesThePerCallPath() {
        let count = 1_031, dims = 40, rows = 37
        var t = randomProjection(count: count * dims, seed: 5)
        for r in 0 ..< count {
            let norm = (0 ..< dims).reduce(Float(0)) { $0 + t[r * dims + $1] * t[r * dims + $1] }.squareRoot()
            for j in 0 ..< dims { t[r * dims + j] /= norm }
        }
        let p = Matrix(rows: rows, columns: dims, values: randomProjection(count: rows * dims, seed: 6))
        let positives = (0 ..< rows).map { ($0 * 211) % count }
        let expected = ContrastiveLoss(temperature: 0.03, cosineWeight: 2)(p, candidates: t, count: count, positives: positives)
        for threads in [1, 2] {
            let fixed = ContrastiveLoss(temperature: 0.03, cosineWeight: 2)
            fixed.threads = threads
            fixed.setTable(t, count: count, dimensions: dims)
            let got = fixed(p, positives: positives)
            XCTAssertEqual(got.value, expected.value, accuracy: 1e-4 * abs(expected.value), "threads \(threads)")
            let scale = expected.gradient.storage.map(abs).max()!
            for i in got.gradient.storage.indices {
                XCTAssertEqual(got.gradient.storage[i], expected.gradient.storage[i], accuracy: 1e-4 * scale, "threads \(threads), gradient \(i)")
            }
        }
    }

    func testNoNonFiniteValueAtZeroPredictionsOrExtremeTemperatures() {
        let t = table
        var p = predictions(9)
        for j in 0 ..< d { p[1, j] = 0 }  // a zero prediction: cosine 0, finite gradient
        for tau in [Float(0.001), 100] {
            let (value, gradient) = ContrastiveLoss(temperature: tau, cosineWeight: 1)(p, candidates: t, count: n, positives: positives)
            XCTAssertTrue(value.isFinite, "τ \(tau)")
            XCTAssertTrue(gradient.storage.allSatisfy(\.isFinite), "τ \(tau)")
        }
        // The softmax of a perfect prediction at τ = 0.001 saturates to a zero loss, not NaN.
        let perfect = Matrix(rows: 1, columns: d, values: Array(t[0 ..< d]))
        let value = ContrastiveLoss(temperature: 0.001)(perfect, candidates: t, count: n, positives: [0]).value
        XCTAssertTrue(value.isFinite && value >= 0 && value < 1e-3, "\(value)")
    }

    /// The loss and gradient of PyTorch's own autograd (tools/bench-quality/torch_contrastive.py,
    /// double precision), through every path: candidates per call, and a fixed table on one and
    /// two threads (packed with the native kernels).
    func testMatchesPyTorch() throws {
        struct Case: Decodable {
            let temperature: Double, cosineWeight: Double, rows: Int, count: Int, dimensions: Int
            let table: [Double], predictions: [Double], positives: [Int], loss: Double, gradient: [Double]
        }
        struct File: Decodable { let cases: [Case] }
        let url = Fixtures.packageRoot.appendingPathComponent("Tests/Corpus/pytorch/contrastive-loss.json")
        let file = try JSONDecoder().decode(File.self, from: Data(contentsOf: url))
        XCTAssertEqual(file.cases.count, 3)
        for c in file.cases {
            let table = c.table.map { Float($0) }
            let predictions = Matrix(rows: c.rows, columns: c.dimensions, values: c.predictions.map { Float($0) })
            let label = "τ \(c.temperature), λ \(c.cosineWeight)"
            var results = [ContrastiveLoss(temperature: Float(c.temperature), cosineWeight: Float(c.cosineWeight))(
                predictions, candidates: table, count: c.count, positives: c.positives)]
            for threads in [1, 2] {
                let fixed = ContrastiveLoss(temperature: Float(c.temperature), cosineWeight: Float(c.cosineWeight))
                fixed.threads = threads
                fixed.setTable(table, count: c.count, dimensions: c.dimensions)
                results.append(fixed(predictions, positives: c.positives))
            }
            for (k, got) in results.enumerated() {
                XCTAssertEqual(got.value, c.loss, accuracy: 1e-5 * max(1, abs(c.loss)), "\(label), path \(k)")
                let scale = c.gradient.map(abs).max() ?? 1
                for i in c.gradient.indices {
                    XCTAssertEqual(Double(got.gradient.storage[i]), c.gradient[i], accuracy: 1e-4 * scale, "\(label), path \(k), gradient \(i)")
                }
            }
        }
    }
}
