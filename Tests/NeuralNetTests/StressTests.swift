import XCTest
import NeuralNet
import TestSupport

/// The origin story: very long words and extreme inputs must keep every state and gradient finite.
final class StressTests: XCTestCase {
    func testLongSequencesAndExtremeInputsStayFinite() {
        for cell in RecurrentCellKind.allCases {
            var c = ModelFixtures.configuration(cell, layers: 2)
            c.hiddenSize = 8
            c.outputDimensions = 16
            let model = CharToVectorModel(configuration: c)
            // Extreme weights: huge embeddings and recurrent weights drive every gate into saturation.
            for entry in model.layout.entries {
                let factor: Float = entry.name.hasPrefix("embedding") ? 1e4 : (entry.name.contains("recurrentWeight") ? 100 : 1)
                for i in entry.range { model.parameters.values[i] *= factor }
            }
            let batch = ModelFixtures.batch(lengths: [1019, 1019, 500, 1], seed: 4)
            var targets = ModelFixtures.targets(rows: 4, columns: 16, seed: 5)
            for j in 0..<16 { targets[0, j] = 1e30; targets[1, j] = 0 }
            let predictions = model.forward(batch)
            XCTAssertNil(predictions.storage.firstIndex { !$0.isFinite }, "\(cell): predictions")
            for loss in [MSELoss()(predictions, targets), CosineDistanceLoss()(predictions, targets)] {
                XCTAssertTrue(loss.value.isFinite)
                model.zeroGradients()
                model.backward(loss.gradient)
                XCTAssertNil(NonFiniteGuard.check(model.gradients), "\(cell): gradients")
            }
            // An all-zero prediction through the margin loss (norm below epsilon) stays finite too.
            let zero = Matrix(rows: 4, columns: 16)
            let margin = MaxMarginCosineLoss()(zero, positives: targets, negatives: ModelFixtures.targets(rows: 8, columns: 16, seed: 6))
            XCTAssertTrue(margin.value.isFinite)
            model.zeroGradients()
            model.backward(margin.gradient)
            var clipped = model.gradients
            GradientClipping.clipByGlobalNorm(&clipped, maxNorm: 5)
            XCTAssertNil(NonFiniteGuard.check(clipped), "\(cell): margin gradients")
            XCTAssertLessThanOrEqual(clipped.globalNorm, 5.001)
        }
    }
}
