import XCTest
import NeuralNet
import TestSupport

/// A fixed-seed loss trajectory over 50 Adam steps (llm.c's `expected_losses`): any change to
/// initialisation, forward, backward, clipping or Adam shows up here.
final class GoldenLossTests: XCTestCase {
    static let expected: [Double] = [
        1.03810744, 0.94231232, 0.82447753, 0.84525388, 0.73527838,
        0.77014769, 0.68205096, 0.71821764, 0.64691948, 0.67417595,
        0.61687538, 0.62948630, 0.58705714, 0.58573852, 0.55688396,
        0.54425026, 0.52582436, 0.50349617, 0.49522604, 0.46295892,
        0.46784844, 0.42365866, 0.44428453, 0.38643975, 0.42239207,
        0.35196507, 0.40048409, 0.32155418, 0.37906067, 0.29644400,
        0.35914620, 0.27674803, 0.34075937, 0.26191577, 0.32331117,
        0.25110338, 0.30627630, 0.24246548, 0.28948905, 0.23331627,
        0.27338171, 0.22156271, 0.25840132, 0.20649756, 0.24415048,
        0.18857415, 0.22973267, 0.16882261, 0.21463899, 0.14817075,
    ]

    func trajectory() -> [Double] {
        BLAS.setThreadCount(1)  // fixed summation order
        var c = ModelFixtures.configuration(.lstm)
        c.hiddenSize = 6
        c.mlpHiddenSize = 8
        c.outputDimensions = 5
        c.seed = 2024
        let model = CharToVectorModel(configuration: c)
        var adam = Adam(parameterCount: model.parameters.scalarCount, learningRate: 1e-2)
        let batches = [ModelFixtures.batch(lengths: [3, 5, 2, 5, 1, 4], seed: 1),
                       ModelFixtures.batch(lengths: [4, 4, 4, 4], seed: 2)]
        let targets = [ModelFixtures.targets(rows: 6, columns: 5, seed: 3), ModelFixtures.targets(rows: 4, columns: 5, seed: 4)]
        var losses: [Double] = []
        for step in 0..<50 {
            let k = step % 2
            model.zeroGradients()
            let (loss, d) = MSELoss()(model.forward(batches[k]), targets[k])
            model.backward(d)
            GradientClipping.clipByGlobalNorm(&model.gradients, maxNorm: 5)
            XCTAssertNoThrow(try NonFiniteGuard.validate(loss: loss, gradients: model.gradients))
            adam.update(&model.parameters, gradients: model.gradients)
            losses.append(loss)
        }
        return losses
    }

    func testFiftyStepLossSequence() {
        let losses = trajectory()
        XCTAssertEqual(losses.count, 50)
        XCTAssertLessThan(losses[48], losses[0] * 0.5, "training reduces the loss")
        guard Self.expected.count == 50 else {
            XCTFail("no golden sequence recorded; got \(losses)")
            return
        }
        for (i, (a, e)) in zip(losses, Self.expected).enumerated() {
            XCTAssertEqual(a, e, accuracy: 1e-4 * max(1, abs(e)), "step \(i)")
        }
    }
}
