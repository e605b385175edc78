import EmbeddingCore
import EmbeddingIO
import Foundation
import XCTest

@testable import NeighborSearch

/// Recall@k of `approximate` against `exact` result lists.
func recall(_ approximate: [[Neighbor]], _ exact: [[Neighbor]]) -> Double {
    var hits = 0, total = 0
    for (a, e) in zip(approximate, exact) {
        hits += Set(a.map(\.row)).intersection(e.map(\.row)).count
        total += e.count
    }
    return Double(hits) / Double(total)
}

final class HNSWRecallTests: XCTestCase {
    func testRecallOnClusteredData() {
        // 3000 rows in 60 clusters, 24 dimensions; queries are held-out points of the same clusters.
        let all = clusteredMatrix(rows: 3100, columns: 24, clusters: 60, spread: 0.6, seed: 9)
        let values = all.withUnsafeBufferPointer { Array($0) }
        let matrix = RowMatrix(rows: 3000, columns: 24, values: Array(values[0 ..< 3000 * 24]))
        let queries = RowMatrix(rows: 100, columns: 24, values: Array(values[3000 * 24 ..< 3100 * 24]))
        let exact = ExactIndex(matrix: matrix).search(queries: queries, k: 10)
        let hnsw = HNSWIndex(matrix: matrix, parameters: HNSWParameters(maxConnections: 12, efConstruction: 100))
        let approximate = (0 ..< 100).map { hnsw.search(query: queries.row($0), k: 10, efSearch: 64) }
        let r = recall(approximate, exact)
        XCTAssertGreaterThanOrEqual(r, 0.95, "recall@10 = \(r)")
        // Scores are exact cosines of the returned rows.
        for (a, e) in zip(approximate[0], exact[0]) where a.row == e.row {
            XCTAssertEqual(a.score, e.score, accuracy: 1e-5)
        }
    }

    func testDeterministicForSeedAndThreadCount() throws {
        let matrix = clusteredMatrix(rows: 1500, columns: 16, clusters: 20, spread: 0.5, seed: 2)
        let p = HNSWParameters(maxConnections: 8, efConstruction: 40, seed: 7)
        let one = HNSWIndex(matrix: matrix, parameters: p, threads: 1)
        let two = HNSWIndex(matrix: matrix, parameters: p, threads: 2)
        XCTAssertEqual(one.entryPoint, two.entryPoint)
        XCTAssertEqual(graphBytes(one), graphBytes(two), "graph must not depend on the thread count")
        let other = HNSWIndex(matrix: matrix, parameters: HNSWParameters(maxConnections: 8, efConstruction: 40, seed: 8))
        XCTAssertNotEqual(graphBytes(one), graphBytes(other), "a different seed gives a different graph")
    }

    func testZeroRowsAndExclusions() {
        var values = randomMatrix(rows: 200, columns: 8, seed: 4).withUnsafeBufferPointer { Array($0) }
        for j in 0 ..< 8 { values[10 * 8 + j] = 0; values[20 * 8 + j] = .nan }
        let matrix = RowMatrix(rows: 200, columns: 8, values: values)
        let hnsw = HNSWIndex(matrix: matrix, parameters: HNSWParameters(maxConnections: 8, efConstruction: 50))
        XCTAssertFalse(hnsw.contains(row: 10))
        XCTAssertFalse(hnsw.contains(row: 20))
        let all = hnsw.search(query: matrix.row(0), k: 200, efSearch: 400)
        XCTAssertEqual(all.count, 198)
        XCTAssertFalse(all.contains { $0.row == 10 || $0.row == 20 || !$0.score.isFinite })
        let excluded = hnsw.search(query: matrix.row(0), k: 5, excluding: [0, 1, 2])
        XCTAssertEqual(excluded.count, 5)
        XCTAssertFalse(excluded.contains { [0, 1, 2].contains($0.row) })
        XCTAssertEqual(hnsw.search(query: [Float](repeating: 0, count: 8), k: 3), [])
    }

    func graphBytes(_ index: HNSWIndex) -> [UInt8] {
        withExtendedLifetime(index._storage) {
            Array(UnsafeRawBufferPointer(start: index._storage.base, count: index._storage.layout.byteCount))
        }
    }
}

final class HNSWFileTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("hnsw-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func makeIndex() -> (HNSWIndex, RowMatrix) {
        let matrix = clusteredMatrix(rows: 600, columns: 12, clusters: 10, spread: 0.5, seed: 5)
        return (HNSWIndex(matrix: matrix, parameters: HNSWParameters(maxConnections: 6, efConstruction: 30)), matrix)
    }

    func testSaveLoadRoundTrip() throws {
        let (index, matrix) = makeIndex()
        let path = directory.appendingPathComponent("index.hnsw").path
        try index.save(to: path)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.contains(".tmp-") }
        XCTAssertEqual(leftovers, [], "temporary file renamed away")
        XCTAssertThrowsError(try index.save(to: directory.appendingPathComponent("missing/index.hnsw").path)) {
            guard case .cannotWrite? = $0 as? EmbeddingWriteError else { return XCTFail("\($0)") }
        }
        let loaded = try HNSWIndex.load(from: path)
        XCTAssertEqual(loaded.rows, 600)
        XCTAssertEqual(loaded.dimensions, 12)
        XCTAssertEqual(loaded.entryPoint, index.entryPoint)
        XCTAssertEqual(loaded.maxLevel, index.maxLevel)
        XCTAssertEqual(loaded.parameters.maxConnections, 6)
        for i in stride(from: 0, to: 600, by: 37) {
            XCTAssertEqual(loaded.search(query: matrix.row(i), k: 5), index.search(query: matrix.row(i), k: 5), "row \(i)")
        }
    }

    func testCorruptFilesThrowTypedErrors() throws {
        let (index, _) = makeIndex()
        let path = directory.appendingPathComponent("index.hnsw").path
        try index.save(to: path)
        let good = try Data(contentsOf: URL(fileURLWithPath: path))
        func load(_ bytes: Data) -> HNSWFileError? {
            let bad = directory.appendingPathComponent("bad.hnsw").path
            FileManager.default.createFile(atPath: bad, contents: bytes)
            do {
                _ = try HNSWIndex.load(from: bad)
                return nil
            } catch {
                return error as? HNSWFileError
            }
        }
        func patched(_ offset: Int, _ bytes: [UInt8]) -> Data {
            var data = good
            data.replaceSubrange(offset ..< offset + bytes.count, with: bytes)
            return data
        }
        let bad = directory.appendingPathComponent("bad.hnsw").path
        guard case .tooSmall = load(good.prefix(10)) else { return XCTFail("short file") }
        guard case .badMagic = load(patched(0, [0x58])) else { return XCTFail("magic") }
        XCTAssertEqual(load(patched(8, [2, 0, 0, 0])),
                       .unsupportedVersion(path: bad, found: 2, highestSupported: 1))
        guard case .sizeMismatch = load(good.dropLast(8)) else { return XCTFail("truncated") }
        guard case .sizeMismatch = load(patched(16, [0xFF, 0xFF, 0x0F, 0x00])) else { return XCTFail("more rows") }
        guard case .invalidHeader = load(patched(16, [UInt8](repeating: 0xFF, count: 8))) else { return XCTFail("2⁶⁴ rows") }
        guard case .invalidHeader = load(patched(24, [1, 0, 0, 0])) else { return XCTFail("M = 1") }
        // Flip one byte in the vectors: only the checksum can notice.
        guard case .checksumMismatch = load(patched(64 + 100, [good[64 + 100] ^ 0x10])) else {
            return XCTFail("checksum")
        }
        // A link out of range, with the checksum recomputed so that the bounds check must catch it.
        let layout = index._storage.layout
        var data = patched(64 + layout.layer0 + 4, [0xFF, 0xFF, 0xFF, 0x00])  // row 0's first link
        let sum = data.withUnsafeBytes { HNSWIndex._checksum($0.baseAddress! + 64, layout.byteCount) }
        withUnsafeBytes(of: sum.littleEndian) { data.replaceSubrange(56 ..< 64, with: $0) }
        guard case .corruptGraph(_, let offset, _) = load(data) else { return XCTFail("bounds") }
        XCTAssertEqual(offset, 64 + layout.layer0 + 4)
        XCTAssertThrowsError(try HNSWIndex.load(from: directory.appendingPathComponent("missing").path)) {
            guard case .cannotOpen = $0 as? HNSWFileError else { return XCTFail("\($0)") }
        }
    }
}
