import XCTest
import NeuralNet
import TestSupport

/// Values and finite-difference gradients of the losses, including zero vectors.
final class LossGradientTests: XCTestCase {
    let b = 3, d = 5

    func matrix(_ seed: UInt64, rows: Int? = nil) -> Matrix {
        let r = rows ?? b
        return Matrix(rows: r, columns: d, values: randomProjection(count: r * d, seed: seed))
    }

    func checkLoss(_ label: String, predictions: Matrix, _ loss: (Matrix) -> (value: Double, gradient: Matrix)) {
        let analytic = loss(predictions).gradient
        var values = predictions.storage
        assertGradientsMatch(checkGradients(values: &values, analytic: analytic.storage, step: 1e-3) { v in
            loss(Matrix(rows: predictions.rows, columns: predictions.columns, values: v)).value
        }, label)
    }

    func testMSEValueAndGradientWithAZeroTarget() {
        var targets = matrix(2)
        for j in 0..<d { targets[1, j] = 0 }
        let mse = MSELoss()
        let p = matrix(1)
        // Value by hand: row 1 target stays zero, the others are unit-normalised.
        var expected = 0.0
        for i in 0..<b {
            let t = targets.row(i), norm = max(t.reduce(0) { $0 + Double($1 * $1) }.squareRoot(), 1e-8)
            for j in 0..<d { let diff = Double(p[i, j]) - Double(t[j]) / norm; expected += diff * diff }
        }
        XCTAssertEqual(mse(p, targets).value, expected / Double(b), accuracy: 1e-6)
        checkLoss("MSE", predictions: p) { mse($0, targets) }
    }

    func testCosineDistance() {
        let targets = matrix(3)
        let loss = CosineDistanceLoss()
        checkLoss("cosine distance", predictions: matrix(4)) { loss($0, targets) }
        let same = loss(targets, targets).value
        XCTAssertEqual(same, 0, accuracy: 1e-6)
    }

    func testMaxMarginCosine() {
        let positives = matrix(5), negatives = matrix(6, rows: b * 4)
        let loss = MaxMarginCosineLoss(margin: 0.8)
        let p = matrix(7)
        let value = loss(p, positives: positives, negatives: negatives).value
        XCTAssertGreaterThan(value, 0)
        // By hand for the value.
        let cp = Cosine.rowwise(p, positives)
        var expected = 0.0
        for i in 0..<b {
            for k in 0..<4 {
                let n = Matrix(rows: 1, columns: d, values: negatives.row(i * 4 + k))
                let cn = Cosine.rowwise(Matrix(rows: 1, columns: d, values: p.row(i)), n)[0]
                expected += max(0, 0.8 + cn - cp[i])
            }
        }
        XCTAssertEqual(value, expected / Double(b), accuracy: 1e-6)
        checkLoss("max-margin cosine", predictions: p) { loss($0, positives: positives, negatives: negatives) }
    }

    func testZeroVectorsGiveFiniteValuesAndGradients() {
        let zero = Matrix(rows: b, columns: d)
        let t = matrix(8)
        for (name, result) in [
            ("mse zero prediction", MSELoss()(zero, t)),
            ("mse zero target", MSELoss()(t, zero)),
            ("cosine zero prediction", CosineDistanceLoss()(zero, t)),
            ("cosine zero target", CosineDistanceLoss()(t, zero)),
            ("margin zero prediction", MaxMarginCosineLoss()(zero, positives: t, negatives: matrix(9, rows: 2 * b))),
            ("margin zero everything", MaxMarginCosineLoss()(zero, positives: zero, negatives: Matrix(rows: b, columns: d))),
        ] {
            XCTAssertTrue(result.value.isFinite, "\(name): value \(result.value)")
            XCTAssertNil(result.gradient.storage.firstIndex { !$0.isFinite }, "\(name): gradient not finite")
        }
    }

    func testNegativeSamplingAvoidsThePositive() {
        var rng = SplitMix64(seed: 10)
        let negatives = MaxMarginCosineLoss.sampleNegatives(perWord: 50, targetIndices: [0, 1, 2], tableSize: 3, rng: &rng)
        XCTAssertEqual(negatives.count, 150)
        for (i, n) in negatives.enumerated() { XCTAssertNotEqual(n, i / 50) }
    }
}
