import EmbeddingCore
import EmbeddingIO
import Foundation
import NeuralNet
import TestSupport
import Training
import XCTest

/// The hybrid model (recurrent part + hashed n-grams) with the contrastive loss and typo
/// augmentation: learning, determinism, resume, model files, the large-table path, the guard.
final class HybridTrainingTests: XCTestCase {
    func configuration(epochs: Int = 3) -> TrainingConfiguration { Self.configuration(epochs: epochs) }

    /// A small hybrid model with the contrastive loss and typo augmentation.
    static func configuration(epochs: Int = 3) -> TrainingConfiguration {
        var model = CharToVectorConfiguration(vocabularySize: 2)
        model.hiddenSize = 16
        model.characterDimensions = 8
        model.mlpHiddenSize = 32
        model.ngrams = NgramConfiguration(buckets: 3000)
        var configuration = TrainingConfiguration(model: model)
        configuration.epochs = epochs
        configuration.loss = .contrastive
        configuration.augmentation = .typos
        configuration.learningRate = 3e-3
        configuration.patience = 0
        configuration.snapshotEvery = 10
        return configuration
    }

    func data(rows: Int = 600) -> TrainingData {
        TrainingData.prepare(table: TrainerTests.sample.prefix(rows), validationFraction: 0.1, seed: 3)
    }

    func testHybridContrastiveTrainingLearnsAndIsDeterministic() throws {
        let data = data()
        let trainer = try Trainer(data: data, configuration: configuration(epochs: 4))
        try trainer.run()
        let history = trainer.history
        XCTAssertTrue(history.allSatisfy { $0.trainLoss.isFinite })
        XCTAssertLessThan(history.last!.trainLoss, history.first!.trainLoss)
        XCTAssertGreaterThan(history.last!.validation!.meanReciprocalRank, history.first!.validation!.meanReciprocalRank)
        XCTAssertTrue(trainer.model.ngramTable!.values.contains { $0 != 0 }, "the n-gram table trains")
        let again = try Trainer(data: data, configuration: configuration(epochs: 4))
        try again.run()
        XCTAssertEqual(again.history.map(\.trainLoss), history.map(\.trainLoss))
        XCTAssertEqual(again.model.ngramTable, trainer.model.ngramTable)
        // Typo copies are extra examples: more words per epoch than training words.
        XCTAssertGreaterThan(history[0].wordsPerSecond * history[0].seconds, Double(data.trainCount) * 1.2)
    }

    func testHybridResumeContinuesBitIdentically() throws {
        let data = data(rows: 400)
        let straight = try Trainer(data: data, configuration: configuration(epochs: 3))
        try straight.run()
        let path = try Fixtures.temporaryDirectory().appendingPathComponent("hybrid.checkpoint").path
        let first = try Trainer(data: data, configuration: configuration(epochs: 1))
        try first.run(onCheckpoint: { try $0.write(to: path) })
        let resumed = try Trainer(resuming: try Checkpoint.read(path), data: data, epochs: 3)
        try resumed.run()
        XCTAssertEqual(resumed.history.map(\.trainLoss), straight.history.map(\.trainLoss))
        XCTAssertEqual(resumed.model.parameters.values, straight.model.parameters.values)
        XCTAssertEqual(resumed.model.ngramTable, straight.model.ngramTable)
    }

    func testHybridModelFileRoundTrip() throws {
        let trainer = try Trainer(data: data(rows: 300), configuration: configuration(epochs: 1))
        try trainer.run()
        let model = trainer.bestModel(source: "sample")
        XCTAssertEqual(model.ngramTable?.count, 3000 * 384)
        let path = try Fixtures.temporaryDirectory().appendingPathComponent("hybrid.cvm").path
        try model.write(to: path)
        let back = try TrainedModel.read(path)
        XCTAssertEqual(back.ngramTable, model.ngramTable)
        XCTAssertEqual(back.configuration, model.configuration)
        let words = ["the", "kingdomz", "ÄÖÜ", ""]
        XCTAssertEqual(back.makePredictor().predict(words), model.makePredictor().predict(words))
        // The table changes the prediction: without it the model predicts something else.
        var recurrentOnly = model
        recurrentOnly.ngramTable = nil
        XCTAssertNotEqual(recurrentOnly.makePredictor().predict(words), model.makePredictor().predict(words))
    }

    func testLargeTablesRankAgainstSampledCandidates() throws {
        var configuration = configuration(epochs: 2)
        configuration.fullTableLimit = 100
        configuration.sampledCandidates = 50
        let trainer = try Trainer(data: data(rows: 400), configuration: configuration)
        try trainer.run()
        XCTAssertTrue(trainer.history.allSatisfy { $0.trainLoss.isFinite })
        XCTAssertLessThan(trainer.history.last!.trainLoss, trainer.history.first!.trainLoss)
    }

    func testFaultsInTheHybridModelAreRecoveredFrom() throws {
        var configuration = configuration(epochs: 2)
        configuration.batchSize = 16
        configuration.faults = [4: .nanGradient, 20: .nanLoss, 30: .hugeGradient]
        let trainer = try Trainer(data: data(rows: 400), configuration: configuration)
        var recoveries = 0
        try trainer.run(onEvent: { if case .recovery = $0 { recoveries += 1 } })
        XCTAssertEqual(recoveries, 3)
        XCTAssertTrue(trainer.model.ngramTable!.values.allSatisfy(\.isFinite))
        XCTAssertTrue(trainer.model.parameters.values.allSatisfy(\.isFinite))
    }

    func testBaselineAndTypoMetricsOnTheValidationSplit() throws {
        let trainer = try Trainer(data: data(rows: 400), configuration: configuration(epochs: 1))
        try trainer.run()
        let typos = try XCTUnwrap(trainer.validationTypoMetrics())
        XCTAssertGreaterThan(typos.count, 10)
        XCTAssertTrue((0 ... 1).contains(typos.hitAt10))
        let baseline = try XCTUnwrap(trainer.baselineMetrics())
        XCTAssertEqual(baseline.count, trainer.data.validationCount)
        XCTAssertGreaterThan(baseline.meanCosine, 0.05, "the baseline fits something")
    }

    func testAuxiliaryLossTrainsDeterministicallyAndResumes() throws {
        let data = data(rows: 400)
        var configuration = configuration(epochs: 2)
        configuration.auxiliaryWeight = 1
        let trainer = try Trainer(data: data, configuration: configuration)
        try trainer.run()
        XCTAssertTrue(trainer.history.allSatisfy { $0.trainLoss.isFinite })
        let plain = try Trainer(data: data, configuration: self.configuration(epochs: 2))
        try plain.run()
        XCTAssertNotEqual(trainer.history.map(\.trainLoss), plain.history.map(\.trainLoss), "the auxiliary term counts")
        let path = try Fixtures.temporaryDirectory().appendingPathComponent("aux.checkpoint").path
        var first = configuration
        first.epochs = 1
        try Trainer(data: data, configuration: first).run(onCheckpoint: { try $0.write(to: path) })
        let checkpoint = try Checkpoint.read(path)
        XCTAssertEqual(checkpoint.configuration.auxiliaryWeight, 1, "the checkpoint keeps the option")
        let resumed = try Trainer(resuming: checkpoint, data: data, epochs: 2)
        try resumed.run()
        XCTAssertEqual(resumed.history.map(\.trainLoss), trainer.history.map(\.trainLoss))
    }

    func testSubwordHeadBeatsNothingWorseThanItsParts() throws {
        let trainer = try Trainer(data: data(rows: 600), configuration: configuration(epochs: 2))
        try trainer.run()
        let recurrent = trainer.bestModel(source: "sample")
        var blended = recurrent
        let bag = trainer.fitNgramBag()
        blended.subword = SubwordHead(table: bag, weight: 0.75)
        let withHead = try XCTUnwrap(trainer.validationMetrics(of: blended))
        let baseline = try XCTUnwrap(trainer.baselineMetrics(table: bag))
        let alone = try XCTUnwrap(trainer.validationMetrics(of: recurrent))
        XCTAssertEqual(alone, recurrent.metadata.validation, "the same ranking as the epoch's validation")
        XCTAssertGreaterThan(withHead.meanCosine, min(alone.meanCosine, baseline.meanCosine))
    }

    func testTyposAreOneEditAndSeeded() {
        let generator = TypoGenerator(words: ["government", "kingdom"])
        var a = SplitMix64(seed: 7), b = SplitMix64(seed: 7)
        for word in ["government", "kingdom", "running", "café"] {
            let typo = generator.typo(of: word, rng: &a)
            XCTAssertEqual(typo, generator.typo(of: word, rng: &b))
            XCTAssertNotNil(typo)
            XCTAssertNotEqual(typo, word)
            XCTAssertEqual(Self.editDistance(Array(word.unicodeScalars), Array(typo!.unicodeScalars)), 1, "\(word) → \(typo!)")
        }
        XCTAssertNil(generator.typo(of: "the", rng: &a), "words under 4 characters keep their spelling")
    }

    /// Optimal string alignment distance (an adjacent swap counts as one edit).
    static func editDistance(_ s: [Unicode.Scalar], _ t: [Unicode.Scalar]) -> Int {
        var d = [[Int]](repeating: [Int](repeating: 0, count: t.count + 1), count: s.count + 1)
        for i in 0 ... s.count { d[i][0] = i }
        for j in 0 ... t.count { d[0][j] = j }
        for i in 1 ... max(s.count, 1) where i <= s.count {
            for j in 1 ... max(t.count, 1) where j <= t.count {
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (s[i - 1] == t[j - 1] ? 0 : 1))
                if i > 1 && j > 1 && s[i - 1] == t[j - 2] && s[i - 2] == t[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
            }
        }
        return d[s.count][t.count]
    }
}
