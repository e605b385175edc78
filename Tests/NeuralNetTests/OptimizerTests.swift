import XCTest
import NeuralNet
import TestSupport

final class OptimizerTests: XCTestCase {
    func layout(_ n: Int) -> ParameterLayout {
        var l = ParameterLayout()
        l.add("w", rows: 1, columns: n)
        return l
    }

    func testAdamMatchesTheBiasCorrectedFormula() {
        let n = 11
        var p = FlatParameters(layout: layout(n), values: randomProjection(count: n, seed: 1))
        var reference = p.values.map(Double.init)
        var m = [Double](repeating: 0, count: n), v = m
        var adam = Adam(parameterCount: n, learningRate: 0.01)
        for t in 1...3 {
            let g = FlatParameters(layout: p.layout, values: randomProjection(count: n, seed: UInt64(10 + t)))
            adam.update(&p, gradients: g)
            for i in 0..<n {
                let gi = Double(g.values[i])
                m[i] = 0.9 * m[i] + 0.1 * gi
                v[i] = 0.999 * v[i] + 0.001 * gi * gi
                let mHat = m[i] / (1 - pow(0.9, Double(t))), vHat = v[i] / (1 - pow(0.999, Double(t)))
                reference[i] -= 0.01 * mHat / (vHat.squareRoot() + 1e-8)
            }
        }
        XCTAssertEqual(adam.step, 3)
        assertClose(p.values, reference.map(Float.init), absoluteTolerance: 1e-6)
    }

    func testSGDWithMomentum() {
        var p = FlatParameters(layout: layout(2), values: [1, -1])
        let g = FlatParameters(layout: p.layout, values: [0.5, 1])
        var sgd = SGD(parameterCount: 2, learningRate: 0.1, momentum: 0.9)
        sgd.update(&p, gradients: g)
        sgd.update(&p, gradients: g)
        // u1 = g, u2 = 1.9 g; θ = θ0 − 0.1·(g + 1.9g) = θ0 − 0.29 g
        assertClose(p.values, [1 - 0.29 * 0.5, -1 - 0.29])
    }

    func testClippingByGlobalNorm() {
        var l = ParameterLayout()
        l.add("a", rows: 1, columns: 2)
        l.add("b", rows: 1, columns: 1)
        var g = FlatParameters(layout: l, values: [3, 0, 4])
        let norm = GradientClipping.clipByGlobalNorm(&g, maxNorm: 1)
        XCTAssertEqual(norm, 5, accuracy: 1e-9)
        XCTAssertEqual(g.globalNorm, 1, accuracy: 1e-5)
        assertClose(g.values, [0.6, 0, 0.8])
        var small = FlatParameters(layout: l, values: [0.1, 0, 0])
        GradientClipping.clipByGlobalNorm(&small, maxNorm: 1)
        XCTAssertEqual(small.values, [0.1, 0, 0])
    }

    func testLearningRateSchedules() {
        XCTAssertEqual(LearningRateSchedule.constant.learningRate(base: 0.1, step: 99), 0.1)
        XCTAssertEqual(LearningRateSchedule.stepDecay(every: 10, factor: 0.5).learningRate(base: 1, step: 25), 0.25)
        XCTAssertEqual(LearningRateSchedule.exponential(rate: 0.5).learningRate(base: 1, step: 3), 0.125)
        let sgdr = LearningRateSchedule.cosineWarmRestarts(period: 10, multiplier: 2, minimum: 0)
        XCTAssertEqual(sgdr.learningRate(base: 1, step: 0), 1)
        XCTAssertEqual(sgdr.learningRate(base: 1, step: 5), 0.5, accuracy: 1e-6)
        XCTAssertEqual(sgdr.learningRate(base: 1, step: 10), 1, "restart")
        XCTAssertEqual(sgdr.learningRate(base: 1, step: 20), 0.5, accuracy: 1e-6, "second period is 20 long")
    }

    func testNonFiniteGuardNamesTheParameter() throws {
        let model = CharToVectorModel(configuration: ModelFixtures.configuration(.lstm))
        XCTAssertNil(NonFiniteGuard.check(model.gradients))
        let entry = model.layout.entry(named: "rnn0.reverse.recurrentWeight")!
        model.gradients.values[entry.offset + 2 * entry.columns + 3] = .nan
        let report = try XCTUnwrap(NonFiniteGuard.check(model.gradients))
        XCTAssertEqual(report.parameter, "rnn0.reverse.recurrentWeight")
        XCTAssertEqual(report.row, 2)
        XCTAssertEqual(report.column, 3)
        XCTAssertThrowsError(try NonFiniteGuard.validate(loss: 1, gradients: model.gradients))
        model.zeroGradients()
        XCTAssertThrowsError(try NonFiniteGuard.validate(loss: .infinity, gradients: model.gradients)) { error in
            XCTAssertEqual((error as? NonFiniteReport)?.source, "loss")
        }
        XCTAssertNoThrow(try NonFiniteGuard.validate(loss: 1, gradients: model.gradients))
    }

    /// The guard's shortcut: a finite global norm proves every gradient finite, so one pass over
    /// the gradients serves both the guard and the clipping.
    func testGlobalNormShortcutFindsEveryNonFiniteValue() throws {
        let model = CharToVectorModel(configuration: ModelFixtures.configuration(.gru))
        for i in model.gradients.values.indices { model.gradients.values[i] = Scalar(i % 7) * 1e-3 - 2e-3 }
        XCTAssertNil(NonFiniteGuard.check(model.gradients, globalNorm: model.gradients.globalNorm))
        let count = model.gradients.values.count
        // First, middle, last scalar (the SIMD tail), each with NaN, +Inf and -Inf.
        for index in [0, count / 2, count - 1] {
            for bad: Scalar in [.nan, .infinity, -.infinity] {
                let saved = model.gradients.values[index]
                model.gradients.values[index] = bad
                let norm = model.gradients.globalNorm
                XCTAssertFalse(norm.isFinite, "index \(index), \(bad)")
                let report = try XCTUnwrap(NonFiniteGuard.check(model.gradients, globalNorm: norm), "index \(index), \(bad)")
                let scan = try XCTUnwrap(NonFiniteGuard.check(model.gradients))
                XCTAssertEqual([report.parameter, "\(report.row),\(report.column)"], [scan.parameter, "\(scan.row),\(scan.column)"])
                XCTAssertThrowsError(try NonFiniteGuard.validate(loss: 1, gradients: model.gradients, globalNorm: norm))
                model.gradients.values[index] = saved
            }
        }
        XCTAssertThrowsError(try NonFiniteGuard.validate(loss: .nan, gradients: model.gradients,
                                                         globalNorm: model.gradients.globalNorm))
        // Clipping with a precomputed norm is the same as clipping by the global norm.
        var a = model.gradients, b = model.gradients
        let norm = GradientClipping.clipByGlobalNorm(&a, maxNorm: 0.01)
        GradientClipping.clip(&b, globalNorm: b.globalNorm, maxNorm: 0.01)
        XCTAssertEqual(a, b)
        XCTAssertGreaterThan(norm, 0.01)
    }

    func testInitialisationIsSeededWithForgetBiasOneAndOrthogonalRecurrentBlocks() {
        var c = ModelFixtures.configuration(.lstm)
        c.hiddenSize = 6
        let a = CharToVectorModel(configuration: c), b = CharToVectorModel(configuration: c)
        XCTAssertEqual(a.parameters, b.parameters)
        c.seed = 6
        XCTAssertNotEqual(CharToVectorModel(configuration: c).parameters, a.parameters)
        let bias = a.parameters.tensor(named: "rnn0.forward.bias")
        XCTAssertEqual(Array(bias.storage[6..<12]), [Float](repeating: 1, count: 6))
        XCTAssertEqual(Array(bias.storage[0..<6]), [Float](repeating: 0, count: 6))
        let wh = a.parameters.tensor(named: "rnn0.forward.recurrentWeight")  // [H × 4H]
        for gate in 0..<4 {
            for i in 0..<6 {
                for j in 0..<6 {
                    var dot: Float = 0
                    for k in 0..<6 { dot += wh[i, gate * 6 + k] * wh[j, gate * 6 + k] }
                    XCTAssertEqual(dot, i == j ? 1 : 0, accuracy: 1e-5, "gate \(gate) rows \(i), \(j)")
                }
            }
        }
    }

    func testPyTorchInitialisationBounds() {
        for cell in [RecurrentCellKind.lstm, .gru] {
            var c = ModelFixtures.configuration(cell)
            c.hiddenSize = 16
            c.mlpHiddenSize = 9
            c.initialization = .pytorch
            let model = CharToVectorModel(configuration: c)
            let h = Float(16).squareRoot()
            for name in ["rnn0.forward.inputWeight", "rnn0.forward.recurrentWeight", "rnn0.reverse.recurrentWeight"] {
                let w = model.parameters.tensor(named: name).storage
                XCTAssertLessThanOrEqual(w.map(abs).max()!, 1 / h, name)
                XCTAssertGreaterThan(w.map(abs).max()!, 0.8 / h, "\(name) should fill its range")
            }
            // The summed input + recurrent bias reaches beyond one uniform's range (not the GRU new gate's).
            let bias = model.parameters.tensor(named: "rnn0.forward.bias").storage
            let summed = cell == .lstm ? 4 * 16 : 2 * 16
            XCTAssertLessThanOrEqual(bias.map(abs).max()!, 2 / h)
            XCTAssertGreaterThan(bias[..<summed].map(abs).max()!, 1 / h)
            XCTAssertLessThanOrEqual(bias[summed...].map(abs).max() ?? 0, 1 / h)
            let mlpIn = Float(c.representationDimensions).squareRoot()
            for name in ["mlp.hidden.weight", "mlp.hidden.bias"] {
                let w = model.parameters.tensor(named: name).storage
                XCTAssertLessThanOrEqual(w.map(abs).max()!, 1 / mlpIn, name)
                XCTAssertGreaterThan(w.map(abs).max()!, 0.5 / mlpIn, name)
            }
            XCTAssertNotEqual(model.parameters, CharToVectorModel(configuration: ModelFixtures.configuration(cell)).parameters)
        }
    }

    func testParameterSetRoundTripsThroughFlatValues() {
        let model = CharToVectorModel(configuration: ModelFixtures.configuration(.gru, layers: 2))
        let restored = FlatParameters(layout: model.layout, values: model.parameters.values)
        XCTAssertEqual(restored, model.parameters)
        XCTAssertEqual(model.layout.entry(containing: model.layout.scalarCount - 1).name, "mlp.output.bias")
        XCTAssertEqual(model.layout.entries.map(\.name).first, "embedding.table")
    }
}
