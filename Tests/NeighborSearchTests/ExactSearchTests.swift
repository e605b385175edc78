import EmbeddingCore
import XCTest

@testable import NeighborSearch

final class ExactSearchTests: XCTestCase {
    func testSingleQueryMatchesNaiveReference() {
        for seed: UInt64 in 0 ..< 4 {
            let matrix = randomMatrix(rows: 400, columns: 37, seed: seed)  // 37: exercises the SIMD tail
            let index = ExactIndex(matrix: matrix)
            let queries = randomMatrix(rows: 5, columns: 37, seed: seed + 100)
            for qi in 0 ..< queries.rows {
                let query = queries.row(qi)
                for k in [1, 7, 25] {
                    let got = index.search(query: query, k: k)
                    let want = naiveTopK(matrix, query, k: k)
                    XCTAssertEqual(got.map(\.row), want.map(\.row), "seed \(seed) query \(qi) k \(k)")
                    for (g, w) in zip(got, want) {
                        XCTAssertEqual(Double(g.score), w.score, accuracy: 1e-5, "seed \(seed) query \(qi) row \(g.row)")
                    }
                }
            }
        }
    }

    /// Every score of the single-query scan (32- and 8-float steps, the dimension tail, 2,048-row
    /// blocks and their last partial block) against a double-precision dot product.
    func testSingleQueryScoresEveryRowExactly() {
        for (rows, columns) in [(1, 1), (3, 7), (5, 8), (13, 9), (2, 300), (7, 300), (2_051, 17), (4_100, 5)] {
            let matrix = randomMatrix(rows: rows, columns: columns, seed: UInt64(rows * 31 + columns))
            let query = randomMatrix(rows: 1, columns: columns, seed: 99).row(0)
            let got = ExactIndex(matrix: matrix, threads: 1).search(query: query, k: rows)
            let want = naiveTopK(matrix, query, k: rows)
            XCTAssertEqual(got.count, rows, "\(rows) × \(columns)")
            let wanted = Dictionary(uniqueKeysWithValues: want.map { ($0.row, $0.score) })
            for g in got {
                XCTAssertEqual(Double(g.score), wanted[g.row]!, accuracy: 1e-5, "\(rows) × \(columns), row \(g.row)")
            }
        }
    }

    func testTiesAreBrokenByLowerRow() {
        // Rows 1, 4, 5 point along [1, 0] with different lengths: equal cosine 1.
        let values: [Float] = [0, 1, 2, 0, 0, 3, 1, 1, 4, 0, 1, 0]
        let index = ExactIndex(matrix: RowMatrix(rows: 6, columns: 2, values: values))
        let got = index.search(query: [1, 0], k: 3)
        XCTAssertEqual(got.map(\.row), [1, 4, 5])
        XCTAssertEqual(got.map(\.score), [1, 1, 1])
        // Batch and threaded paths give the same order.
        let batch = index.search(queries: RowMatrix(rows: 1, columns: 2, values: [1, 0]), k: 3)
        XCTAssertEqual(batch[0].map(\.row), [1, 4, 5])
    }

    func testZeroAndNonFiniteRowsAreNeverReturned() {
        var values = randomMatrix(rows: 10, columns: 4, seed: 7).withUnsafeBufferPointer { Array($0) }
        for j in 0 ..< 4 { values[2 * 4 + j] = 0; values[5 * 4 + j] = .nan }
        values[7 * 4 + 1] = .infinity
        let index = ExactIndex(matrix: RowMatrix(rows: 10, columns: 4, values: values))
        XCTAssertEqual(index.unsearchableRows, [2, 5, 7])
        let single = index.search(query: [1, 2, 3, 4], k: 10)
        let batch = index.search(queries: RowMatrix(rows: 1, columns: 4, values: [1, 2, 3, 4]), k: 10)[0]
        for result in [single, batch] {
            XCTAssertEqual(Set(result.map(\.row)), Set(0 ..< 10).subtracting([2, 5, 7]))
            XCTAssertFalse(result.contains { !$0.score.isFinite })
        }
        XCTAssertEqual(index.search(query: [0, 0, 0, 0], k: 3), [], "a zero query has no cosine")
    }

    func testExclusionsAndRowLimit() {
        let matrix = randomMatrix(rows: 300, columns: 16, seed: 11)
        let index = ExactIndex(matrix: matrix)
        let query = matrix.row(42)
        XCTAssertEqual(index.search(query: query, k: 1).first?.row, 42)
        let excluded: Set<Int> = [42, 7, 100]
        let got = index.search(query: query, k: 10, excluding: excluded, rowLimit: 200)
        let want = naiveTopK(matrix, query, k: 10, excluding: excluded, rowLimit: 200)
        XCTAssertEqual(got.map(\.row), want.map(\.row))
        XCTAssertTrue(got.allSatisfy { $0.row < 200 && !excluded.contains($0.row) })
        let batch = index.search(queries: RowMatrix(rows: 1, columns: 16, values: query), k: 10,
                                 excluding: [Array(excluded)], rowLimit: 200)
        XCTAssertEqual(batch[0].map(\.row), want.map(\.row))
    }

    func testBatchEqualsSingleAndThreadCountDoesNotMatter() {
        // 3000 rows: several 1024-row blocks; large enough for two workers.
        let matrix = randomMatrix(rows: 3000, columns: 48, seed: 3)
        var index = ExactIndex(matrix: matrix, threads: 2)
        let queries = randomMatrix(rows: 300, columns: 48, seed: 4)
        let exclusions = (0 ..< 300).map { [$0, $0 * 7 % 3000] }
        let batch2 = index.search(queries: queries, k: 10, excluding: exclusions)
        index.threads = 1
        let batch1 = index.search(queries: queries, k: 10, excluding: exclusions)
        XCTAssertEqual(batch1, batch2)
        for qi in stride(from: 0, to: 300, by: 29) {
            let single = index.search(query: queries.row(qi), k: 10, excluding: Set(exclusions[qi]))
            XCTAssertEqual(single.map(\.row), batch2[qi].map(\.row), "query \(qi)")
            for (s, b) in zip(single, batch2[qi]) { XCTAssertEqual(s.score, b.score, accuracy: 1e-5) }
        }
    }

    func testThreadedSingleQueryEqualsOneThread() {
        // 20000 × 64 scalars is above the two-worker threshold.
        let matrix = randomMatrix(rows: 20000, columns: 64, seed: 5)
        var index = ExactIndex(matrix: matrix, threads: 2)
        let query = randomMatrix(rows: 1, columns: 64, seed: 6).row(0)
        let two = index.search(query: query, k: 20)
        index.threads = 1
        XCTAssertEqual(index.search(query: query, k: 20), two)
        XCTAssertEqual(two.map(\.row), naiveTopK(matrix, query, k: 20).map(\.row))
    }

    func testTopKKeepsBestAndHandlesZeroK() {
        var top = TopK(k: 3)
        for (row, score) in [(5, 0.5), (1, 0.9), (2, 0.5), (9, 0.1), (0, 0.5)] as [(Int, Float)] {
            top.insert(Neighbor(row: row, score: score))
        }
        XCTAssertEqual(top.sorted(), [Neighbor(row: 1, score: 0.9), Neighbor(row: 0, score: 0.5), Neighbor(row: 2, score: 0.5)])
        let index = ExactIndex(matrix: randomMatrix(rows: 5, columns: 3, seed: 1))
        XCTAssertEqual(index.search(query: [1, 1, 1], k: 0), [])
    }
}
