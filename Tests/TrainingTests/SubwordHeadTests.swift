import EmbeddingCore
import EmbeddingIO
import Foundation
import NeuralNet
import TestSupport
import Training
import XCTest

/// The subword head: its blend, its place in the model file, and the file checks.
final class SubwordHeadTests: XCTestCase {
    func norm(_ x: [Scalar]) -> Scalar { x.map { $0 * $0 }.reduce(0, +).squareRoot() }

    func modelWithHead(weight: Scalar) throws -> (TrainedModel, SubwordHead) {
        var model = try ModelFileTests.makeTrainedModel()
        var table = NgramTable(configuration: NgramConfiguration(buckets: 97), dimensions: model.configuration.outputDimensions)
        var rng = SplitMix64(seed: 5)
        for i in table.values.indices { table.values[i] = 2 * rng.nextUnit() - 1 }
        let head = SubwordHead(table: table, weight: weight)
        model.subword = head
        return (model, head)
    }

    func testPredictionIsUnitModelPlusWeightedUnitBag() throws {
        let (model, head) = try modelWithHead(weight: 0.75)
        var plain = model
        plain.subword = nil
        let words = ["the", "unseenword", "x"]
        let blended = model.makePredictor().predict(words)
        let alone = plain.makePredictor().predict(words)
        let d = head.table.dimensions
        for (i, word) in words.enumerated() {
            var bag = [Scalar](repeating: 0, count: d)
            head.table.addBags([head.table.configuration.ids(word)], into: &bag)
            let p = (0 ..< d).map { j in alone.withRow(i) { $0[j] } }
            let pn = norm(p), bn = norm(bag)
            for j in 0 ..< d {
                let expected = p[j] / pn + 0.75 * bag[j] / bn
                XCTAssertEqual(blended.withRow(i) { $0[j] }, expected, accuracy: 1e-5, "\(word)[\(j)]")
            }
        }
    }

    func testWeightZeroKeepsTheModelsDirection() throws {
        let (model, _) = try modelWithHead(weight: 0)
        var plain = model
        plain.subword = nil
        let blended = model.makePredictor().predict(["kingdomz"]), alone = plain.makePredictor().predict(["kingdomz"])
        let a = blended.withRow(0) { Array($0) }, b = alone.withRow(0) { Array($0) }
        XCTAssertEqual(zip(a, b).map { $0 * $1 }.reduce(0, +) / (norm(a) * norm(b)), 1, accuracy: 1e-5)
    }

    func testModelFileKeepsTheHead() throws {
        let (model, head) = try modelWithHead(weight: 0.5)
        let path = try Fixtures.temporaryDirectory().appendingPathComponent("m.cvm").path
        try model.write(to: path)
        let back = try TrainedModel.read(path)
        XCTAssertEqual(back.subword, head)
        let words = ["the", "unseenword", "ÄÖÜ"]
        XCTAssertEqual(back.makePredictor().predict(words), model.makePredictor().predict(words))
    }

    func testHeadWithBadWeightIsRefused() throws {
        // (NaN and infinity cannot be written: JSON has no such numbers.)
        for weight: Scalar in [-1, -1e-9] {
            let (model, _) = try modelWithHead(weight: weight)
            let path = try Fixtures.temporaryDirectory().appendingPathComponent("m.cvm").path
            try model.write(to: path)
            XCTAssertThrowsError(try TrainedModel.read(path), "\(weight)") { error in
                guard case ModelFileError.malformed(_, let reason)? = error as? ModelFileError else { return XCTFail("\(error)") }
                XCTAssertTrue(reason.contains("subword head weight"), reason)
            }
        }
    }
}
