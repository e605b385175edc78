import Foundation
import NeuralNet
import TestSupport
@testable import Training
import XCTest

/// Replays the model fuzz target's regression corpus (Tests/Corpus/fuzz/model, see
/// docs/fuzzing.md) through both loaders, as tools/fuzz/Sources/FuzzModel does: every input
/// must load or throw a ``ModelFileError``. The stored files already carry a valid CRC-32 (the
/// harness's only change to an input), so they replay exactly.
final class ModelFuzzCorpusTests: XCTestCase {
    func testCorpus() throws {
        let files = try Fixtures.fuzzCorpus("model")
        XCTAssertFalse(files.isEmpty)
        var loaded = 0
        for path in files {
            do { _ = try TrainedModel.read(path); loaded += 1 } catch is ModelFileError {} catch {
                XCTFail("\(path): not a ModelFileError: \(error)")
            }
            do { _ = try Checkpoint.read(path); loaded += 1 } catch is ModelFileError {} catch {
                XCTFail("\(path): not a ModelFileError: \(error)")
            }
        }
        XCTAssertGreaterThan(loaded, 0, "the corpus keeps valid seeds too")
    }

    /// `parameterCount` (used to check a header before anything is built) agrees with the layout.
    func testParameterCountMatchesTheLayout() {
        for cell in [RecurrentCellKind.lstm, .gru] {
            for (layers, bidirectional) in [(1, true), (2, false), (3, true)] {
                var c = CharToVectorConfiguration(vocabularySize: 7)
                c.cell = cell
                c.layers = layers
                c.bidirectional = bidirectional
                c.characterDimensions = 3
                c.hiddenSize = 5
                c.mlpHiddenSize = 4
                c.outputDimensions = 6
                XCTAssertEqual(c.parameterCount, CharToVectorModel(configuration: c).layout.scalarCount, "\(cell) \(layers) \(bidirectional)")
            }
        }
        var huge = CharToVectorConfiguration(vocabularySize: 7)
        huge.hiddenSize = 1 << 40
        XCTAssertNil(huge.parameterCount)
        huge.hiddenSize = 0
        XCTAssertNil(huge.parameterCount)
    }

    /// Rewrites the corpus checkpoint with its JSON header edited by `edit`.
    func checkpoint(_ edit: (inout [String: Any]) -> Void) throws -> String {
        let seed = try Fixtures.fuzzCorpus("model").first { $0.hasSuffix("tiny.checkpoint") }!
        let (header, arrays) = try Container.read(seed, expecting: .checkpoint)
        var json = try JSONSerialization.jsonObject(with: header) as! [String: Any]
        edit(&json)
        let path = try Fixtures.temporaryDirectory("charvec-model-fuzz").appendingPathComponent("edited.checkpoint").path
        try Container.write(kind: .checkpoint, header: try JSONSerialization.data(withJSONObject: json), arrays: arrays, to: path)
        return path
    }

    /// Was a trap: Checkpoint.read built the network before checking its configuration
    /// ("invalid model configuration: layers must be at least 1").
    func testCheckpointWithAnInvalidNetworkIsMalformed() throws {
        let path = try checkpoint { json in
            var configuration = json["configuration"] as! [String: Any]
            var model = configuration["model"] as! [String: Any]
            model["layers"] = 0
            configuration["model"] = model
            json["configuration"] = configuration
        }
        XCTAssertThrowsError(try Checkpoint.read(path)) { error in
            guard case .malformed(_, let reason)? = error as? ModelFileError else { return XCTFail("\(error)") }
            XCTAssertTrue(reason.contains("layers"), reason)
        }
    }

    /// Was an allocation of the whole claimed network (and a trap on overflow) before the
    /// weights were compared with it.
    func testHeaderClaimingAHugeNetworkFailsFast() throws {
        let path = try checkpoint { json in
            var configuration = json["configuration"] as! [String: Any]
            var model = configuration["model"] as! [String: Any]
            model["hiddenSize"] = 1 << 40
            configuration["model"] = model
            json["configuration"] = configuration
        }
        XCTAssertThrowsError(try Checkpoint.read(path)) { error in
            guard case .malformed? = error as? ModelFileError else { return XCTFail("\(error)") }
        }
        let seed = try Fixtures.fuzzCorpus("model").first { $0.hasSuffix("tiny.model") }!
        let (header, arrays) = try Container.read(seed, expecting: .model)
        var json = try JSONSerialization.jsonObject(with: header) as! [String: Any]
        var configuration = json["configuration"] as! [String: Any]
        configuration["mlpHiddenSize"] = 1_000_000_000
        json["configuration"] = configuration
        let model = try Fixtures.temporaryDirectory("charvec-model-fuzz").appendingPathComponent("huge.model").path
        try Container.write(kind: .model, header: try JSONSerialization.data(withJSONObject: json), arrays: arrays, to: model)
        XCTAssertThrowsError(try TrainedModel.read(model)) { error in
            guard case .malformed? = error as? ModelFileError else { return XCTFail("\(error)") }
        }
    }

    /// Files of format version 1, written before the n-gram table existed, still load and predict.
    func testVersionOneModelAndCheckpointStillLoad() throws {
        let files = try Fixtures.fuzzCorpus("model")
        let model = try TrainedModel.read(try XCTUnwrap(files.first { $0.hasSuffix("/tiny.model") }))
        XCTAssertNil(model.ngramTable)
        XCTAssertNil(model.configuration.ngrams)
        let vectors = model.makePredictor().predict(["kingdom", "goverment"])
        XCTAssertTrue(vectors.withUnsafeBufferPointer { $0.allSatisfy(\.isFinite) })
        let checkpoint = try Checkpoint.read(try XCTUnwrap(files.first { $0.hasSuffix("/tiny.checkpoint") }))
        XCTAssertGreaterThan(checkpoint.epochsDone, 0)
        XCTAssertEqual(checkpoint.configuration.loss.rawValue.isEmpty, false)
    }
}
