import EmbeddingCore
import Foundation
import NeuralNet
import TestSupport
@testable import Training
import XCTest

/// Runs of several members: each trains from its own seed through the shared head, the saved model
/// averages their unit predictions, and a run resumes exactly from any member's checkpoint.
final class EnsembleTrainingTests: XCTestCase {
    static func configuration(members: Int = 2, epochs: Int = 2) -> TrainingConfiguration {
        var configuration = HybridTrainingTests.configuration(epochs: epochs)
        configuration.model.ngrams = nil
        configuration.augmentation = .none
        configuration.subwordWeight = 1
        configuration.subwordFolds = 3
        configuration.members = members
        return configuration
    }

    static let data = TrainingData.prepare(table: TrainerTests.sample.prefix(400), validationFraction: 0.1, seed: 3)

    func testMembersTrainFromTheirOwnSeedsAndTheModelAveragesThem() throws {
        let data = Self.data
        let last = try Trainer(data: data, configuration: Self.configuration()).runMembers()
        XCTAssertEqual(last.configuration.member, 1)
        XCTAssertEqual(last.finishedMembers.count, 1)
        // The first member trains exactly as a single network of the same seed.
        let single = try Trainer(data: data, configuration: Self.configuration(members: 1))
        try single.run()
        XCTAssertEqual(last.finishedMembers[0].record.history.map(\.trainLoss), single.history.map(\.trainLoss))
        XCTAssertEqual(last.finishedMembers[0].parameters, single.bestModel(source: "").parameters)
        XCTAssertNotEqual(last.history.map(\.trainLoss), single.history.map(\.trainLoss), "the second member has its own seed")
        XCTAssertEqual(last.allHistory.map(\.member), [1, 1, 2, 2])
        XCTAssertEqual(last.subwordHead, single.subwordHead, "one head, fitted once")

        let best = last.bestModel(source: "sample")
        XCTAssertEqual(best.memberCount, 2)
        XCTAssertEqual(best.subword?.weight, Trainer.ensembleHeadFactor)
        XCTAssertEqual(best.metadata.memberBestEpochs?.count, 2)
        XCTAssertEqual(last.validationMetrics(of: best), best.metadata.validation, "the figures are the ensemble's")

        // Without the head, the network part is the sum of the members' unit predictions.
        var bare = best
        bare.subword = nil
        let words = Array(data.validationWords.prefix(20))
        let ensemble = bare.makePredictor().predict(words)
        let parts = (0 ..< 2).map { member -> RowMatrix in
            Predictor(model: bare.makeModel(member: member), characters: bare.characters, maxLength: bare.maxLength).predict(words)
        }
        for i in 0 ..< words.count {
            var expected = [Double](repeating: 0, count: data.dimensions)
            for part in parts {
                part.withRow(i) { row in
                    let norm = row.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
                    for j in 0 ..< row.count { expected[j] += Double(row[j]) / norm }
                }
            }
            ensemble.withRow(i) { row in
                for j in 0 ..< row.count { XCTAssertEqual(Double(row[j]), expected[j], accuracy: 1e-5) }
            }
        }

        // The file keeps every member; a member of the wrong size is refused.
        let directory = try Fixtures.temporaryDirectory()
        let path = directory.appendingPathComponent("ensemble.cvm").path
        try best.write(to: path)
        let read = try TrainedModel.read(path)
        XCTAssertEqual(read.additionalMembers, best.additionalMembers)
        XCTAssertEqual(read.parameters, best.parameters)
        XCTAssertEqual(last.validationMetrics(of: read), best.metadata.validation)
        var damaged = best
        damaged.additionalMembers[0].removeLast()
        try damaged.write(to: path)
        XCTAssertThrowsError(try TrainedModel.read(path)) { error in
            XCTAssertTrue("\(error)".contains("in member 2"), "\(error)")
        }
    }

    /// Stopped in the second member (at its start, or after its first epoch) and resumed, the run
    /// ends with the same histories and the same model as an uninterrupted one.
    func testResumingInTheSecondMemberContinuesExactly() throws {
        let data = Self.data
        let directory = try Fixtures.temporaryDirectory()
        var saved: [(member: Int, epochs: Int, path: String)] = []
        let whole = try Trainer(data: data, configuration: Self.configuration()).runMembers(onCheckpoint: { checkpoint in
            let path = directory.appendingPathComponent("c\(saved.count).checkpoint").path
            try checkpoint.write(to: path)
            saved.append((checkpoint.configuration.member, checkpoint.epochsDone, path))
        })
        XCTAssertEqual(saved.map(\.member), [0, 0, 1, 1, 1])
        XCTAssertEqual(saved.map(\.epochs), [1, 2, 0, 1, 2])
        let expected = whole.bestModel(source: "sample")
        for index in [2, 3] {
            let checkpoint = try Checkpoint.read(saved[index].path)
            let resumed = try Trainer(resuming: checkpoint, data: data).runMembers()
            XCTAssertEqual(resumed.allHistory.map(\.trainLoss), whole.allHistory.map(\.trainLoss), "from checkpoint \(index)")
            let model = resumed.bestModel(source: "sample")
            XCTAssertEqual(model.parameters, expected.parameters)
            XCTAssertEqual(model.additionalMembers, expected.additionalMembers)
        }
    }

    func testMemberCountsAreChecked() {
        var configuration = Self.configuration()
        for members in [0, -1, 17] {
            configuration.members = members
            XCTAssertTrue(configuration.problems().contains { $0.contains("--members") }, "\(members)")
        }
        configuration.members = 2
        configuration.model.ngrams = NgramConfiguration(buckets: 100)
        XCTAssertTrue(configuration.problems().contains { $0.contains("--ngram-buckets 0") })
        configuration = Self.configuration()
        configuration.member = 2
        XCTAssertFalse(configuration.problems().isEmpty, "member 3 of 2")
    }
}
