import EmbeddingCore
import XCTest

@testable import NeighborSearch

/// Word queries: own rows and duplicates excluded, unknown words predicted or refused, zero rows refused.
final class NeighborQueryTests: XCTestCase {
    let table = EmbeddingTable(vocabulary: Vocabulary(["a", "b", "c", "a", "zero"]),
                               matrix: RowMatrix(rows: 5, columns: 2, values: [1, 0, 0.9, 0.1, 0, 1, 1, 0.01, 0, 0]))

    func testOwnRowAndItsDuplicatesAreExcluded() {
        let query = NeighborQuery(table: table, searcher: .exact(ExactIndex(matrix: table.matrix, threads: 1)))
        guard case .answered(let found, let predicted) = query.neighbors(of: ["a"], k: 2) else { return XCTFail() }
        XCTAssertEqual(found.map(\.row), [1, 2], "row 3 repeats 'a' and is left out; the zero row never comes back")
        XCTAssertEqual(predicted, [])
    }

    func testUnknownWordsArePredictedOrRefused() {
        let exact = ExactIndex(matrix: table.matrix, threads: 1)
        let plain = NeighborQuery(table: table, searcher: .exact(exact))
        guard case .failed(.unknownWords(["q"])) = plain.neighbors(of: ["q", "b"], k: 1) else { return XCTFail() }
        let predicting = NeighborQuery(table: table, searcher: .exact(exact)) { words in
            RowMatrix(rows: words.count, columns: 2, values: words.flatMap { _ in [Scalar(0), 3] })
        }
        guard case .answered(let found, let predicted) = predicting.neighbors(of: ["q"], k: 1) else { return XCTFail() }
        XCTAssertEqual(found.map(\.row), [2])
        XCTAssertEqual(predicted, ["q"])
        guard case .failed(.zeroVectors(["zero"])) = predicting.neighbors(of: ["zero"], k: 1) else { return XCTFail() }
    }

    func testExactAndApproximateSearchersAgreeOnASmallTable() {
        let exact = NeighborQuery(table: table, searcher: .exact(ExactIndex(matrix: table.matrix, threads: 1)))
        let hnsw = NeighborQuery(table: table, searcher: .approximate(HNSWIndex(matrix: table.matrix, threads: 1), efSearch: 16))
        guard case .answered(let a, _) = exact.neighbors(of: ["b", "c"], k: 3),
              case .answered(let b, _) = hnsw.neighbors(of: ["b", "c"], k: 3) else { return XCTFail() }
        XCTAssertEqual(a.map(\.row), b.map(\.row))
        XCTAssertEqual(exact.search([0, 1], k: 1).map(\.row), [2])
    }
}
