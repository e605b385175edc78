import EmbeddingCore
import EmbeddingIO
import Foundation
import NeuralNet
import TestSupport
import Training
import XCTest

final class ModelFileTests: XCTestCase {
    func trainedModel() throws -> TrainedModel { try Self.makeTrainedModel() }

    static func makeTrainedModel() throws -> TrainedModel {
        let table = try EmbeddingReader.load(Fixtures.bundledData.appendingPathComponent("en-2k-384d.vec.gz").path).0.prefix(200)
        var model = CharToVectorConfiguration(vocabularySize: 2)
        model.hiddenSize = 8
        model.characterDimensions = 6
        model.mlpHiddenSize = 12
        var configuration = TrainingConfiguration(model: model)
        configuration.epochs = 1
        let trainer = try Trainer(data: TrainingData.prepare(table: table, validationFraction: 0.1), configuration: configuration)
        try trainer.run()
        return trainer.bestModel(source: "sample")
    }

    func testRoundTripAndPredictionsMatch() throws {
        let model = try trainedModel()
        let directory = try Fixtures.temporaryDirectory()
        let path = directory.appendingPathComponent("m.cvm").path
        try model.write(to: path)
        let back = try TrainedModel.read(path)
        XCTAssertEqual(back.parameters, model.parameters)
        XCTAssertEqual(back.characters, model.characters)
        XCTAssertEqual(back.configuration, model.configuration)
        XCTAssertEqual(back.metadata, model.metadata)
        let words = ["the", "unseenword", "ÄÖÜ"]
        XCTAssertEqual(back.makePredictor().predict(words), model.makePredictor().predict(words))
    }

    func testDamagedFilesGiveTypedErrors() throws {
        let directory = try Fixtures.temporaryDirectory()
        let path = directory.appendingPathComponent("m.cvm").path
        try trainedModel().write(to: path)
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        func expect(_ mutated: [UInt8], _ check: (ModelFileError) -> Bool, _ name: String) throws {
            let bad = try Fixtures.write(mutated, named: name, in: directory)
            XCTAssertThrowsError(try TrainedModel.read(bad), name) { error in
                guard let error = error as? ModelFileError else { return XCTFail("\(name): \(error)") }
                XCTAssertTrue(check(error), "\(name): \(error)")
            }
        }
        var flipped = bytes
        flipped[bytes.count / 2] ^= 0x40
        try expect(flipped, { if case .checksumMismatch = $0 { return true }; return false }, "flipped")
        try expect(Array(bytes.prefix(bytes.count - 100)), { if case .checksumMismatch = $0 { return true }; return false }, "cut")
        try expect(Array("not a model at all".utf8), { if case .notAModelFile = $0 { return true }; return false }, "text")
        try expect([], { if case .notAModelFile = $0 { return true }; return false }, "empty")
        var newer = bytes
        newer[8] = 9
        try expect(newer, { if case .unsupportedVersion(_, 9, 6) = $0 { return true }; return false }, "newer")
        XCTAssertThrowsError(try Checkpoint.read(path)) { error in
            guard case ModelFileError.wrongKind(_, "checkpoint", "model")? = error as? ModelFileError else { return XCTFail("\(error)") }
        }
    }
}
