import EmbeddingCore
import XCTest

@testable import NeighborSearch

/// Word pairs where unknown words get vectors from a prediction closure.
final class PredictedPairTests: XCTestCase {
    let table = EmbeddingTable(vocabulary: Vocabulary(["king", "queen", "apple", "King"]),
                               matrix: RowMatrix(rows: 4, columns: 2, values: [1, 0, 0.8, 0.6, 0, 1, 5, 5]))

    func testKnownPairsMatchTheEvaluatorAndUnknownWordsArePredictedOnce() throws {
        let evaluator = EmbeddingEvaluator(table: table, threads: 1)
        let pairs = [WordPair(first: "king", second: "queen", score: 9), WordPair(first: "king", second: "kingz", score: 8),
                     WordPair(first: "Kingz", second: "apple", score: 1), WordPair(first: "apple", second: "queen", score: 3)]
        var calls: [[String]] = []
        let scores = try evaluator.evaluateWordPairs(pairs, restrictVocab: 3, caseInsensitive: true) { words in
            calls.append(words)
            return RowMatrix(rows: words.count, columns: 2, values: words.flatMap { _ in [Scalar(2), 0] })
        }
        XCTAssertEqual(calls, [["kingz"]], "one call, each folded form once, lowercased")
        XCTAssertEqual(scores.scored, 4)
        XCTAssertEqual(scores.embeddedPairs, 2)
        XCTAssertEqual(scores.predictedWords, 1)
        // Cosines: king·queen 0.8, king·kingz 1, kingz·apple 0, apple·queen 0.6 against gold 9, 8, 1, 3.
        XCTAssertEqual(scores.spearman, Correlation.spearman([9, 8, 1, 3], [0.8, 1, 0, 0.6]), accuracy: 1e-12)
        XCTAssertEqual(scores.pearson, Correlation.pearson([9, 8, 1, 3], [0.8, 1, 0, 0.6]), accuracy: 1e-6)
    }

    func testZeroPredictionsScoreZeroAndEmptyListsThrow() throws {
        let evaluator = EmbeddingEvaluator(table: table, threads: 1)
        let scores = try evaluator.evaluateWordPairs([WordPair(first: "king", second: "nothing", score: 1)], restrictVocab: 4,
                                                     caseInsensitive: false) { RowMatrix(rows: $0.count, columns: 2) }
        XCTAssertEqual(scores.embeddedPairs, 1)
        XCTAssertTrue(scores.pearson.isNaN, "one pair has no correlation")
        XCTAssertThrowsError(try evaluator.evaluateWordPairs([], restrictVocab: 4, caseInsensitive: false) { _ in
            XCTFail("nothing to predict")
            return RowMatrix(rows: 0, columns: 2)
        })
    }
}
