@testable import Training
import EmbeddingCore
import XCTest

/// Snapping misspellings to the table's words: the one-edit test, the choice of word, the blend,
/// and what it does to typo robustness on a trained model.
final class SpellingLexiconTests: XCTestCase {
    func oneEdit(_ a: String, _ b: String) -> Bool {
        SpellingLexicon.isOneEdit(a.unicodeScalars.map(\.value), b.unicodeScalars.map(\.value))
    }

    func testOneEditCoversTheFourEditsAndNothingElse() {
        XCTAssertTrue(oneEdit("goverment", "government"), "a dropped letter")
        XCTAssertTrue(oneEdit("governmment", "government"), "an added letter")
        XCTAssertTrue(oneEdit("govermment", "government"), "a changed letter")
        XCTAssertTrue(oneEdit("goevrnment", "government"), "two neighbours swapped")
        XCTAssertTrue(oneEdit("cafe", "café"), "a changed accented letter is one edit")
        XCTAssertTrue(oneEdit("xbc", "abc"))
        XCTAssertTrue(oneEdit("abcx", "abc"))
        XCTAssertFalse(oneEdit("government", "government"), "the same word is no edit")
        XCTAssertFalse(oneEdit("gvoernmetn", "government"), "two swaps")
        XCTAssertFalse(oneEdit("govt", "government"))
        XCTAssertFalse(oneEdit("abdc", "abcd" + "e"), "a swap plus an insertion")
        XCTAssertFalse(oneEdit("acb", "bca"))
        XCTAssertFalse(oneEdit("", "ab"))
        XCTAssertTrue(oneEdit("", "a"))
    }

    func lexicon(_ words: [String], zeroRows: Set<Int> = [], weight: Float = 2) -> SpellingLexicon {
        var values: [Float] = []
        for i in words.indices { for k in 0 ..< 4 { values.append(zeroRows.contains(i) ? 0 : (k == i % 4 ? 3 : 0.1)) } }
        return SpellingLexicon(words: words, vectors: RowMatrix(rows: words.count, columns: 4, values: values), weight: weight)
    }

    func testTheLowestRowOneEditAwayWinsAndTableWordsAreLeftAlone() {
        let table = lexicon(["cart", "card", "care", "scare", "cat"], zeroRows: [1])
        XCTAssertEqual(table.nearestRow(to: "carx"), 0, "cart, card and care are one edit away: the first row wins")
        XCTAssertEqual(table.nearestRow(to: "carde"), 2, "card has a zero vector; care is next")
        XCTAssertEqual(table.nearestRow(to: "sare"), 2, "care (row 2) beats scare (row 3)")
        XCTAssertNil(table.nearestRow(to: "care"), "a table word is no misspelling")
        XCTAssertNil(table.nearestRow(to: "dog"))
        XCTAssertNil(table.nearestRow(to: ""))
    }

    func testWithAPredictionTheLikeliestEditAndTheNearestVectorWin() {
        let vectors = RowMatrix(rows: 2, columns: 2, values: [1, 0, 0, 1])
        let shall = SpellingLexicon(words: ["shall", "shale"], vectors: vectors)
        XCTAssertEqual(shall.nearestRow(to: "shael"), 0, "without a prediction: the earliest word")
        XCTAssertEqual(shall.nearestRow(to: "shael", prediction: [1, 1]), 1, "two swapped letters, not a far key")
        let cart = SpellingLexicon(words: ["cart", "card"], vectors: vectors)
        XCTAssertEqual(cart.nearestRow(to: "carx", prediction: [0.6, 0.8]), 1, "x lies next to d, far from t")
        XCTAssertEqual(cart.nearestRow(to: "carx", prediction: [1, 0]), 0, "a prediction on cart outweighs the far key")
        XCTAssertEqual(cart.nearestRow(to: "carx", prediction: [0, 0]), 0, "a zero prediction: the earliest word")
    }

    func testARankOrdersWordsGivenOutOfTableOrder() {
        let words = ["care", "cart"], vectors = RowMatrix(rows: 2, columns: 2, values: [1, 0, 0, 1])
        XCTAssertEqual(SpellingLexicon(words: words, vectors: vectors).nearestRow(to: "carx"), 0)
        XCTAssertEqual(SpellingLexicon(words: words, vectors: vectors, rank: [7, 3]).nearestRow(to: "carx"), 1)
    }

    func testBlendAddsTheUnitTableVectorToTheUnitPrediction() {
        let table = lexicon(["alpha", "bravo"], weight: 2)
        var predictions = RowMatrix(rows: 3, columns: 4, values: [0, 0, 0, 10, 0, 0, 5, 0, 0, 0, 0, 0])
        let moved = table.blend(&predictions, words: ["alpah", "zulu", "bravx"])
        XCTAssertEqual(moved, 2)
        let unitBravo: [Float] = [0.1, 3, 0.1, 0.1].map { $0 / (9.03 as Float).squareRoot() }
        let first = predictions.row(0), unitAlpha: [Float] = [3, 0.1, 0.1, 0.1].map { $0 / (9.03 as Float).squareRoot() }
        for k in 0 ..< 4 { XCTAssertEqual(first[k], (k == 3 ? 1 : 0) + 2 * unitAlpha[k], accuracy: 1e-6) }
        XCTAssertEqual(predictions.row(1), [0, 0, 5, 0], "no word one edit away: unchanged")
        let third = predictions.row(2)
        for k in 0 ..< 4 { XCTAssertEqual(third[k], 2 * unitBravo[k], accuracy: 1e-6, "a zero prediction becomes the table word") }
        var untouched = RowMatrix(rows: 1, columns: 4, values: [1, 2, 3, 4])
        XCTAssertEqual(lexicon(["alpha"], weight: 0).blend(&untouched, words: ["alpah"]), 0)
        XCTAssertEqual(untouched.row(0), [1, 2, 3, 4])
    }

    func testTypoRobustnessWithTheTableIsAtLeastTheModelsAndReported() throws {
        let configuration = HybridTrainingTests.configuration(epochs: 1)
        let data = TrainingData.prepare(table: TrainerTests.sample.prefix(400), validationFraction: 0.2, seed: 5)
        let trainer = try Trainer(data: data, configuration: configuration)
        try trainer.run()
        let alone = try XCTUnwrap(trainer.validationTypoMetrics())
        let both = try XCTUnwrap(trainer.validationTypoMetrics(spellingWeight: SpellingLexicon.defaultWeight))
        XCTAssertEqual(both.alone, alone, "one forward pass gives the model's share too")
        let snapped = try XCTUnwrap(both.withTable)
        XCTAssertEqual(alone.count, snapped.count)
        XCTAssertGreaterThan(alone.count, 20)
        XCTAssertGreaterThan(snapped.hitAt10, alone.hitAt10 + 0.3, "most typos lie one edit from their own word")
        XCTAssertGreaterThan(snapped.hitAt1, 0.5)
    }
}
