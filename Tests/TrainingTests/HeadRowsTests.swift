import CharvecRuntime
import Foundation
import NeuralNet
import TestSupport
@testable import Training
import XCTest

/// The subword head's table in a model file: rows still at the fit's seeded start values are left
/// out and regenerated when reading, bit for bit.
final class HeadRowsTests: XCTestCase {
    let seed = NgramBaseline.Settings().seed
    let moved = [0, 5, 31, 32, 96]

    /// A head of 97 buckets whose rows are the start values except `moved`.
    func modelWithFittedLookingHead() throws -> (TrainedModel, SubwordHead) {
        var model = try ModelFileTests.makeTrainedModel()
        let d = model.configuration.outputDimensions
        var values = NgramBaseline.startValues(count: 97 * d, seed: seed)
        var rng = SplitMix64(seed: 9)
        for r in moved { for j in 0 ..< d { values[r * d + j] = 2 * rng.nextUnit() - 1 } }
        values[moved[0] * d] = -0.0  // a sign flip alone is a change
        let head = SubwordHead(table: NgramTable(configuration: NgramConfiguration(buckets: 97), dimensions: d, values: values), weight: 1)
        model.subword = head
        return (model, head)
    }

    func testStartRowsAreLeftOutAndRegenerated() throws {
        let (model, head) = try modelWithFittedLookingHead()
        let d = head.table.dimensions
        let (rows, bitmap, stored) = try XCTUnwrap(HeadRows.encode(head.table.values, dimensions: d, startSeed: seed))
        XCTAssertEqual(rows.storedRows, moved.count)
        XCTAssertEqual(bitmap.count, 4)
        XCTAssertEqual(stored.count, moved.count * d)
        let marked = (0 ..< 97).filter { bitmap[$0 / 32].bitPattern & (1 << UInt32($0 % 32)) != 0 }
        XCTAssertEqual(marked, moved)

        let directory = try Fixtures.temporaryDirectory()
        let path = directory.appendingPathComponent("m.cvm").path
        try model.write(to: path)
        let back = try TrainedModel.read(path)
        XCTAssertEqual(back.subword?.table.values.map(\.bitPattern), head.table.values.map(\.bitPattern))
        XCTAssertEqual(back.makePredictor().predict(["the", "unseenword"]), model.makePredictor().predict(["the", "unseenword"]))
        // The file holds the moved rows only.
        var whole = model
        whole.subword = SubwordHead(table: NgramTable(configuration: NgramConfiguration(buckets: 97), dimensions: d,
                                                      values: head.table.values.map { $0 + 1 }), weight: 1)
        let wholePath = directory.appendingPathComponent("whole.cvm").path
        try whole.write(to: wholePath)
        let size = { (p: String) in try XCTUnwrap(try FileManager.default.attributesOfItem(atPath: p)[.size] as? Int) }
        XCTAssertEqual(try size(wholePath) - size(path), (97 - moved.count) * d * 4 - 4 * 4 - 8, accuracy: 64)
    }

    func testATableWithFewStartRowsIsStoredWhole() throws {
        var values = NgramBaseline.startValues(count: 100 * 3, seed: seed)
        for i in 0 ..< 95 * 3 { values[i] += 1 }
        XCTAssertNil(HeadRows.encode(values, dimensions: 3, startSeed: seed), "5 rows of 100 left out is not worth a bitmap")
        values[95 * 3] += 1
        XCTAssertNil(HeadRows.encode(values, dimensions: 3, startSeed: seed))
        values = NgramBaseline.startValues(count: 100 * 3, seed: seed)
        XCTAssertEqual(HeadRows.encode(values, dimensions: 3, startSeed: seed)?.0.storedRows, 0)
    }

    func testDamagedPartsAreRefused() throws {
        let d = 3, rows = 40
        var values = NgramBaseline.startValues(count: rows * d, seed: seed)
        values[7 * d + 1] = 5
        let (header, bitmap, stored) = try XCTUnwrap(HeadRows.encode(values, dimensions: d, startSeed: seed))
        guard case .success(let back) = header.decode(bitmap: bitmap, stored: stored, rows: rows, dimensions: d) else { return XCTFail() }
        XCTAssertEqual(back, values)
        func reason(_ result: Result<[Scalar], HeadRowsError>) -> String {
            if case .failure(let error) = result { return error.reason }
            return "accepted"
        }
        var extra = bitmap
        extra[0] = Scalar(bitPattern: extra[0].bitPattern | 1)
        XCTAssertTrue(reason(header.decode(bitmap: extra, stored: stored, rows: rows, dimensions: d)).contains("marks 2 rows"))
        var pastEnd = bitmap
        pastEnd[1] = Scalar(bitPattern: 1 << 20)
        XCTAssertTrue(reason(header.decode(bitmap: pastEnd, stored: stored, rows: rows, dimensions: d)).contains("past the end"))
        XCTAssertTrue(reason(header.decode(bitmap: bitmap, stored: Array(stored.dropLast()), rows: rows, dimensions: d)).contains("stored rows"))
        XCTAssertTrue(reason(header.decode(bitmap: [bitmap[0]], stored: stored, rows: rows, dimensions: d)).contains("bitmap of 2 words"))
        // A header claiming a huge table is refused before the table is built.
        let huge = HeadRows(startSeed: seed, storedRows: 0)
        let claimed = 1 << 20
        let empty = [Scalar](repeating: 0, count: (claimed + 31) / 32)
        XCTAssertTrue(reason(huge.decode(bitmap: empty, stored: [], rows: claimed, dimensions: 1024)).contains("larger than"))
        XCTAssertTrue(reason(huge.decode(bitmap: empty, stored: [], rows: claimed, dimensions: Int.max)).contains("larger than"))
    }
}
