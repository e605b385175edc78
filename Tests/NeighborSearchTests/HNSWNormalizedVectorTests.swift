import EmbeddingCore
import Foundation
import XCTest

@testable import NeighborSearch

/// `HNSWIndex.normalizedVector(row:)`, which `charvec neighbors --index` uses to check that an
/// index file belongs to the table it is given.
final class HNSWNormalizedVectorTests: XCTestCase {
    func testStoredUnitVectorsSurviveSaveAndLoadAndZeroRowsHaveNone() throws {
        var values = randomMatrix(rows: 120, columns: 6, seed: 11).withUnsafeBufferPointer { Array($0) }
        for j in 0 ..< 6 { values[7 * 6 + j] = 0; values[9 * 6 + j] = .infinity }
        let matrix = RowMatrix(rows: 120, columns: 6, values: values)
        let index = HNSWIndex(matrix: matrix, parameters: HNSWParameters(maxConnections: 4, efConstruction: 20))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hnsw-vector-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try index.save(to: path)
        let loaded = try HNSWIndex.load(from: path)
        for row in 0 ..< 120 {
            let stored = loaded.normalizedVector(row: row)
            if row == 7 || row == 9 {
                XCTAssertNil(stored, "row \(row) is left out")
                continue
            }
            let x = matrix.row(row)
            let norm = x.reduce(0) { $0 + $1 * $1 }.squareRoot()
            XCTAssertEqual(stored?.count, 6)
            for (s, v) in zip(stored ?? [], x) { XCTAssertEqual(s, v / norm, accuracy: 1e-6, "row \(row)") }
            XCTAssertEqual(stored, index.normalizedVector(row: row), "row \(row): built and loaded agree")
        }
    }
}
