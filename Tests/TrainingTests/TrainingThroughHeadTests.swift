import EmbeddingCore
import Foundation
import NeuralNet
import Tensor
import TestSupport
@testable import Training
import XCTest

/// Training through the subword head: the blend's gradient, the out-of-fold bags, and a run.
final class TrainingThroughHeadTests: XCTestCase {
    func configuration(epochs: Int = 3) -> TrainingConfiguration {
        var configuration = HybridTrainingTests.configuration(epochs: epochs)
        configuration.augmentation = .none
        return configuration
    }

    func testBlendGradientMatchesFiniteDifferences() {
        let b = 4, d = 6
        var rng = SplitMix64(seed: 11)
        var p = (0 ..< b * d).map { _ in 2 * rng.nextUnit() - 1 }
        for j in 0 ..< d { p[2 * d + j] = 0 }  // a zero prediction contributes nothing and gets no gradient
        let offsets = (0 ..< 3 * d).map { _ in 0.5 * rng.nextUnit() }
        let rows = [2, 0, 1, 2]
        let r = randomProjection(count: b * d, seed: 3)
        func loss(_ values: [Scalar]) -> Double {
            let (q, _) = HeadBlend.forward(Matrix(rows: b, columns: d, values: values), offsets: offsets, rows: rows)
            return zip(q.storage, r).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        }
        let input = Matrix(rows: b, columns: d, values: p)
        let (q, inverse) = HeadBlend.forward(input, offsets: offsets, rows: rows)
        for j in 0 ..< d { XCTAssertEqual(q.storage[2 * d + j], offsets[rows[2] * d + j], "zero row: the offset alone") }
        let analytic = HeadBlend.backward(Matrix(rows: b, columns: d, values: r), predictions: input, inverseNorms: inverse)
        XCTAssertTrue(analytic.storage[2 * d ..< 3 * d].allSatisfy { $0 == 0 })
        let nonzero = (0 ..< b * d).filter { $0 / d != 2 }
        let result = checkGradients(values: &p, analytic: analytic.storage, indices: nonzero, step: 1e-3, loss: loss)
        XCTAssertTrue(result.passed, "\(result)")
    }

    func testOutOfFoldBagsAreUnitAndNotFittedOnTheirWord() {
        let data = TrainingData.prepare(table: TrainerTests.sample.prefix(300), validationFraction: 0.1, seed: 3)
        var settings = NgramBaseline.Settings(trainingWords: data.trainCount)
        settings.epochs = 5
        let d = data.dimensions
        let oof = NgramBaseline.outOfFoldUnitBags(data: data, settings: settings, folds: 3)
        XCTAssertEqual(oof, NgramBaseline.outOfFoldUnitBags(data: data, settings: settings, folds: 3), "seeded")
        var ranAlongside = false
        XCTAssertEqual(oof, NgramBaseline.outOfFoldUnitBags(data: data, settings: settings, folds: 3, threads: 2) { _ in ranAlongside = true },
                       "the same bags on two threads")
        XCTAssertTrue(ranAlongside)
        let norms = (0 ..< data.trainCount).map { i in oof[i * d ..< (i + 1) * d].reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot() }
        XCTAssertTrue(norms.allSatisfy { abs($0 - 1) < 1e-4 }, "unit rows")
        // A bag fitted on every word fits its own words better than the out-of-fold bags do.
        let full = NgramBaseline.fit(data: data, settings: settings)
        var storage = NgramBaseline.FitStorage()
        storage.recycle(NgramBaseline.fit(data: data, settings: settings, rows: Array(0 ..< data.trainCount / 2), storage: &storage))
        XCTAssertEqual(NgramBaseline.fit(data: data, settings: settings, storage: &storage), full,
                       "a fit in the buffers of an earlier one is the same fit")
        var bags = [Scalar](repeating: 0, count: data.trainCount * d)
        full.addBags(data.trainWords.map { full.configuration.ids($0) }, into: &bags)
        func meanCosine(_ m: [Scalar]) -> Double {
            data.targets.withUnsafeBufferPointer { t in
                (0 ..< data.trainCount).reduce(0.0) { sum, i in
                    let row = m[i * d ..< (i + 1) * d].map { $0 }
                    let dot = (0 ..< d).reduce(0.0) { $0 + Double(row[$1]) * Double(t[i * d + $1]) }
                    return sum + dot / max(row.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot(), 1e-12)
                } / Double(data.trainCount)
            }
        }
        XCTAssertGreaterThan(meanCosine(bags), meanCosine(oof) + 0.05)
    }

    func testTrainingThroughTheHeadIsDeterministicResumesAndSavesTheHead() throws {
        var configuration = configuration(epochs: 2)
        configuration.subwordWeight = 0.75
        configuration.subwordFolds = 3
        let data = TrainingData.prepare(table: TrainerTests.sample.prefix(400), validationFraction: 0.1, seed: 3)
        let trainer = try Trainer(data: data, configuration: configuration)
        try trainer.run()
        XCTAssertTrue(trainer.history.allSatisfy { $0.trainLoss.isFinite })
        let best = trainer.bestModel(source: "sample")
        XCTAssertEqual(best.subword?.weight, 0.75)
        XCTAssertEqual(trainer.validationMetrics(of: best), best.metadata.validation, "epochs are validated with the head")
        let resumed = try resumeAfterOneEpoch(configuration, data: data)
        XCTAssertEqual(resumed.history.map(\.trainLoss), trainer.history.map(\.trainLoss))
        XCTAssertEqual(resumed.subwordHead, trainer.subwordHead)
    }

    /// The MLP takes the head's bag: out-of-fold bags in training, the saved head's bags when
    /// predicting; the saved model reads back and predicts what was validated; resumes exactly.
    func testHeadInputTrainsSavesAndResumes() throws {
        var configuration = configuration(epochs: 2)
        configuration.subwordWeight = 1
        configuration.subwordFolds = 3
        configuration.headInput = true
        let data = TrainingData.prepare(table: TrainerTests.sample.prefix(400), validationFraction: 0.1, seed: 3)
        let trainer = try Trainer(data: data, configuration: configuration)
        try trainer.run()
        XCTAssertTrue(trainer.history.allSatisfy { $0.trainLoss.isFinite })
        let best = trainer.bestModel(source: "sample")
        XCTAssertEqual(best.configuration.contextDimensions, data.dimensions)
        let directory = try Fixtures.temporaryDirectory()
        let modelPath = directory.appendingPathComponent("input.cvm").path
        try best.write(to: modelPath)
        let read = try TrainedModel.read(modelPath)
        XCTAssertEqual(trainer.validationMetrics(of: read), best.metadata.validation, "the saved model predicts what was validated")
        // Without its head such a model cannot predict: the file is refused.
        var headless = best
        headless.subword = nil
        let headlessPath = directory.appendingPathComponent("headless.cvm").path
        try headless.write(to: headlessPath)
        XCTAssertThrowsError(try TrainedModel.read(headlessPath)) { error in
            XCTAssertTrue("\(error)".contains("context"), "\(error)")
        }
        XCTAssertEqual(try resumeAfterOneEpoch(configuration, data: data).history.map(\.trainLoss), trainer.history.map(\.trainLoss))
        // Without a head to train through there is no bag to feed.
        configuration.subwordFolds = 0
        XCTAssertTrue(configuration.problems().contains { $0.contains("--head-input") })
    }

    func testFoldCountsAreChecked() {
        var configuration = configuration()
        for folds in [1, -2, 101] {
            configuration.subwordFolds = folds
            XCTAssertTrue(configuration.problems().contains { $0.contains("--subword-folds") }, "\(folds)")
        }
        configuration.subwordFolds = 5
        configuration.subwordWeight = .nan
        XCTAssertTrue(configuration.problems().contains { $0.contains("--subword-weight") })
    }
}
