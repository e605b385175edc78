import EmbeddingCore
import EmbeddingIO
import Foundation
import NeuralNet
import TestSupport
import Training
import XCTest

final class TrainerTests: XCTestCase {
    static let sample: EmbeddingTable = {
        let path = Fixtures.bundledData.appendingPathComponent("en-2k-384d.vec.gz").path
        return try! EmbeddingReader.load(path).0
    }()

    /// A small, fast configuration.
    func configuration(epochs: Int = 3, loss: LossKind = .mse) -> TrainingConfiguration {
        var model = CharToVectorConfiguration(vocabularySize: 2)
        model.hiddenSize = 24
        model.characterDimensions = 12
        model.mlpHiddenSize = 48
        var configuration = TrainingConfiguration(model: model)
        configuration.epochs = epochs
        configuration.loss = loss
        configuration.learningRate = 3e-3
        configuration.threads = 2
        configuration.patience = 0
        configuration.snapshotEvery = 10
        return configuration
    }

    func data(rows: Int = 800) -> TrainingData {
        TrainingData.prepare(table: Self.sample.prefix(rows), validationFraction: 0.1, seed: 3)
    }

    func testLearningRateDecaysPerEpoch() throws {
        var configuration = configuration(epochs: 3)
        configuration.epochDecay = 0.5
        XCTAssertTrue(configuration.problems().isEmpty)
        let trainer = try Trainer(data: data(rows: 300), configuration: configuration)
        try trainer.run()
        XCTAssertEqual(trainer.history.count, 3)
        for (record, expected) in zip(trainer.history, [3e-3, 1.5e-3, 0.75e-3]) {
            XCTAssertEqual(record.learningRate, expected, accuracy: 1e-9, "epoch \(record.epoch)")
        }
        for bad: Float in [0, -0.5, 1.5, .nan] {
            configuration.epochDecay = bad
            XCTAssertTrue(configuration.problems().contains { $0.hasPrefix("--lr-decay must be in (0, 1]") }, "\(bad)")
        }
    }

    /// `--ema`: epochs are validated and saved with the bias-corrected average of the weights, and
    /// a resumed run continues the average exactly.
    func testWeightAverageIsValidatedSavedAndResumed() throws {
        var configuration = configuration(epochs: 2)
        configuration.weightAverage = 0.9
        let data = data(rows: 300)
        let trainer = try Trainer(data: data, configuration: configuration)
        try trainer.run()
        let best = trainer.bestModel(source: "sample")
        XCTAssertNotEqual(best.parameters, trainer.model.parameters.values, "the saved weights are the average")
        XCTAssertEqual(trainer.validationMetrics(of: best), best.metadata.validation, "validated with the saved weights")
        let resumed = try resumeAfterOneEpoch(configuration, data: data)
        XCTAssertEqual(resumed.history.map(\.validation), trainer.history.map(\.validation))
        XCTAssertEqual(resumed.bestModel(source: "sample").parameters, best.parameters)
        for bad in [1, -0.1, .nan] {
            configuration.weightAverage = bad
            XCTAssertTrue(configuration.problems().contains { $0.hasPrefix("--ema must be in [0, 1)") }, "\(bad)")
        }
    }

    func testTrainingImprovesValidationAndIsDeterministic() throws {
        let data = data()
        XCTAssertEqual(data.trainCount + data.validationCount, 800)
        let trainer = try Trainer(data: data, configuration: configuration(epochs: 4))
        try trainer.run()
        let history = trainer.history
        XCTAssertEqual(history.count, 4)
        XCTAssertTrue(history.allSatisfy { $0.trainLoss.isFinite })
        XCTAssertLessThan(history.last!.trainLoss, history.first!.trainLoss)
        let first = history.first!.validation!, last = history.last!.validation!
        XCTAssertGreaterThan(last.meanCosine, first.meanCosine)
        XCTAssertGreaterThan(last.meanReciprocalRank, first.meanReciprocalRank)
        XCTAssertEqual(last.count, data.validationCount)
        // Same seed, same data, same threads: the same losses bit for bit.
        let again = try Trainer(data: data, configuration: configuration(epochs: 4))
        try again.run()
        XCTAssertEqual(again.history.map(\.trainLoss), history.map(\.trainLoss))
        XCTAssertEqual(again.model.parameters.values, trainer.model.parameters.values)
    }

    /// A bidirectional model on two threads runs its directions side by side, which computes
    /// exactly what one thread computes (the batch split, used for 3+ threads, sums in another order).
    func testBidirectionalModelTrainsTheSameOnOneAndTwoThreads() throws {
        let data = data(rows: 200)
        var histories: [[Double]] = [], weights: [[Scalar]] = []
        for threads in [1, 2] {
            var c = configuration(epochs: 1)
            c.model.hiddenSize = 128
            c.threads = threads
            let trainer = try Trainer(data: data, configuration: c)
            XCTAssertEqual(trainer.model.parallelizesDirections, threads == 2)
            try trainer.run()
            histories.append(trainer.history.map(\.trainLoss))
            weights.append(trainer.model.parameters.values)
        }
        XCTAssertEqual(histories[0], histories[1])
        XCTAssertEqual(weights[0], weights[1])
    }

    func testResumeContinuesBitIdentically() throws {
        let data = data(rows: 500)
        let straight = try Trainer(data: data, configuration: configuration(epochs: 4, loss: .margin))
        try straight.run()
        let directory = try Fixtures.temporaryDirectory()
        let path = directory.appendingPathComponent("run.checkpoint").path
        let first = try Trainer(data: data, configuration: configuration(epochs: 2, loss: .margin))
        try first.run(onCheckpoint: { try $0.write(to: path) })
        let resumed = try Trainer(resuming: try Checkpoint.read(path), data: data, epochs: 4)
        try resumed.run()
        XCTAssertEqual(resumed.history.map(\.trainLoss), straight.history.map(\.trainLoss))
        XCTAssertEqual(resumed.model.parameters.values, straight.model.parameters.values)
        // A checkpoint of another table is refused.
        XCTAssertThrowsError(try Trainer(resuming: try Checkpoint.read(path), data: self.data(rows: 300))) { error in
            guard case TrainingError.checkpointMismatch = error else { return XCTFail("\(error)") }
        }
    }

    /// The origin failures: all-zero rows and NaN in the table. Training excludes them, says so, stays finite.
    func testZeroRowsAndNaNsAreExcludedAndTrainingStaysFinite() throws {
        var table = Self.sample.prefix(300)
        let dim = table.dimensions
        table.append("zeroed", [Scalar](repeating: 0, count: dim))
        table.append("poisoned", (0 ..< dim).map { $0 == 5 ? Scalar.nan : 0.1 })
        table.append("infinite", (0 ..< dim).map { $0 == 9 ? -Scalar.infinity : 0.1 })
        table.append("of", [Scalar](repeating: 0.5, count: dim)) // duplicate of row 0
        let data = TrainingData.prepare(table: table, validationFraction: 0.1, seed: 1)
        XCTAssertEqual(data.exclusions.zeroRows, ["zeroed"])
        XCTAssertEqual(data.exclusions.nonFiniteRows, ["poisoned", "infinite"])
        XCTAssertEqual(data.exclusions.duplicateRows, ["of"])
        XCTAssertEqual(data.trainCount + data.validationCount, 300)
        XCTAssertTrue(data.targets.withUnsafeBufferPointer { $0.allSatisfy(\.isFinite) })
        for loss in LossKind.allCases {
            let trainer = try Trainer(data: data, configuration: configuration(epochs: 2, loss: loss))
            try trainer.run()
            XCTAssertTrue(trainer.history.allSatisfy { $0.trainLoss.isFinite }, "\(loss)")
            XCTAssertTrue(trainer.model.parameters.values.allSatisfy(\.isFinite), "\(loss)")
        }
    }

    func testInjectedFaultsAreRecoveredFromAndReported() throws {
        var configuration = configuration(epochs: 6)
        configuration.batchSize = 16
        configuration.faults = [3: .nanLoss, 60: .nanGradient, 100: .spike, 140: .collapse]
        let trainer = try Trainer(data: data(rows: 600), configuration: configuration)
        var recoveries: [String] = []
        try trainer.run(onEvent: { event in
            if case .recovery(_, let reason, _, _, _) = event { recoveries.append(reason) }
        })
        XCTAssertEqual(recoveries.count, 4, "\(recoveries)")
        guard recoveries.count == 4 else { return }
        XCTAssertTrue(recoveries[0].contains("loss became nan at step 3"), recoveries[0])
        XCTAssertTrue(recoveries[1].contains("non-finite gradient"), recoveries[1])
        XCTAssertTrue(recoveries[2].contains("loss spike at step 100"), recoveries[2])
        XCTAssertTrue(recoveries[3].contains("collapse at step 140"), recoveries[3])
        XCTAssertTrue(trainer.model.parameters.values.allSatisfy(\.isFinite))
        XCTAssertEqual(trainer.history.last!.learningRate, Double(configuration.learningRate) / 16, accuracy: 1e-9)
    }

    /// Finite gradients too large to square (no NaN for the guard to find) are a divergence too:
    /// Adam's second moment would overflow to +Inf and freeze those weights.
    func testOverflowingGradientNormIsRecoveredFrom() throws {
        var configuration = configuration(epochs: 1)
        configuration.batchSize = 16
        configuration.faults = [5: .hugeGradient]
        let trainer = try Trainer(data: data(rows: 300), configuration: configuration)
        var recoveries: [String] = []
        try trainer.run(onEvent: { event in
            if case .recovery(_, let reason, _, _, _) = event { recoveries.append(reason) }
        })
        XCTAssertEqual(recoveries.count, 1, "\(recoveries)")
        XCTAssertTrue(recoveries.first?.contains("gradient norm overflowed at step 5") ?? false, "\(recoveries)")
        XCTAssertTrue(trainer.model.parameters.values.allSatisfy(\.isFinite))
    }

    func testPersistentFaultsStopWithAnExplanation() throws {
        var configuration = configuration(epochs: 2)
        configuration.maxRecoveries = 3
        for step in 0 ..< 40 { configuration.faults[step] = .nanLoss }
        let trainer = try Trainer(data: data(rows: 600), configuration: configuration)
        XCTAssertThrowsError(try trainer.run()) { error in
            guard case TrainingError.diverged(let reason, let recoveries, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(recoveries, 3)
            XCTAssertTrue(reason.contains("nan"), reason)
            XCTAssertTrue((error as! TrainingError).hint.contains("--lr"))
        }
    }

    func testLongWordsAreTruncatedAndUnseenCharactersEmbed() throws {
        var table = Self.sample.prefix(200)
        let long = String(repeating: "abcdefghij", count: 102) // 1,020 characters
        table.append(long, table.matrix.row(3))
        let data = TrainingData.prepare(table: table, validationFraction: 0, maxLength: 64, seed: 1)
        XCTAssertEqual(data.exclusions.truncatedWords, 1)
        var configuration = configuration(epochs: 1)
        configuration.maxLength = 0 // no truncation: a 1,020-step sequence must still train finitely
        let trainer = try Trainer(data: data, configuration: configuration)
        try trainer.run()
        XCTAssertTrue(trainer.model.parameters.values.allSatisfy(\.isFinite))
        let model = trainer.bestModel(source: "test")
        let vectors = model.makePredictor().predict(["日本語", "", long + "xyz", "kingdom"])
        XCTAssertTrue(vectors.withUnsafeBufferPointer { $0.allSatisfy(\.isFinite) })
        XCTAssertEqual(CharacterVocabulary(words: ["ab"]).encode("aé"), [2, CharacterVocabulary.unknownIndex])
    }
}
