import EmbeddingCore
import Foundation
import XCTest

@testable import NeighborSearch

/// Evaluation on en-19k-384d.bin against gensim 4.4.0 (scipy 1.17.1). Expected values from
///
///     /tmp/benchenv/bin/python tools/bench-search/gensim_eval.py ../shared/data
///
/// i.e. `kv.evaluate_word_pairs(path)` and `kv.evaluate_word_analogies(path)` with default
/// arguments (restrict_vocab=300000, case_insensitive=True, dummy4unknown=False).
final class GensimEvaluationTests: XCTestCase {
    nonisolated(unsafe) static var cached: (EmbeddingEvaluator, URL)?

    func evaluator() throws -> (EmbeddingEvaluator, URL) {
        if let cached = Self.cached { return cached }
        let data = try sharedDataDirectory()
        let table = try readWord2VecBinary(data.appendingPathComponent("en-19k-384d.bin"))
        XCTAssertEqual(table.count, 19719)
        let result = (EmbeddingEvaluator(table: table), data.appendingPathComponent("eval"))
        Self.cached = result
        return result
    }

    func testWordPairsMatchGensim() throws {
        let (evaluator, eval) = try evaluator()
        let expected: [(String, pearson: Double, spearman: Double, oov: Double)] = [
            ("wordsim353.tsv", 0.7068959040072801, 0.7741594272998373, 30.02832861189802),
            ("simlex999.txt", 0.5404727014152758, 0.5205010731375821, 18.21821821821822),
        ]
        for (name, pearson, spearman, oov) in expected {
            let text = try String(contentsOf: eval.appendingPathComponent(name), encoding: .utf8)
            let result = try evaluator.evaluateWordPairs(WordPair.parse(text).pairs)
            // Cosines are float32 in both; summation order differs, so allow 1e-6.
            XCTAssertEqual(result.pearson, pearson, accuracy: 1e-6, name)
            XCTAssertEqual(result.spearman, spearman, accuracy: 1e-6, name)
            XCTAssertEqual(result.oovRatio, oov, accuracy: 1e-12, name)
        }
    }

    func testAnalogiesMatchGensim() throws {
        let (evaluator, eval) = try evaluator()
        let text = try String(contentsOf: eval.appendingPathComponent("questions-words.txt"), encoding: .utf8)
        let (sections, skipped) = try AnalogySection.parse(text)
        XCTAssertEqual(skipped, [])
        let result = evaluator.evaluateWordAnalogies(sections)
        let expected: [(String, Int, Int)] = [
            ("capital-common-countries", 265, 306), ("capital-world", 891, 1113), ("currency", 2, 42),
            ("city-in-state", 879, 1360), ("family", 248, 272), ("gram1-adjective-to-adverb", 326, 600),
            ("gram2-opposite", 98, 156), ("gram3-comparative", 875, 930), ("gram4-superlative", 204, 240),
            ("gram5-present-participle", 307, 462), ("gram6-nationality-adjective", 845, 849),
            ("gram7-past-tense", 397, 812), ("gram8-plural", 650, 650), ("gram9-plural-verbs", 286, 342),
        ]
        XCTAssertEqual(result.sections.map { "\($0.name) \($0.correct)/\($0.total)" },
                       expected.map { "\($0.0) \($0.1)/\($0.2)" })
        XCTAssertEqual(result.total, AnalogyScore(name: "Total accuracy", correct: 6273, incorrect: 8134 - 6273))
        XCTAssertEqual(result.total.accuracy, 0.7712072780919597, accuracy: 1e-15)
        XCTAssertEqual(result.semantic.correct, 2285)
        XCTAssertEqual(result.semantic.total, 3093)
        XCTAssertEqual(result.syntactic.correct, 3988)
        XCTAssertEqual(result.syntactic.total, 5041)
        XCTAssertEqual(result.questionCount, 19544)
    }
}
