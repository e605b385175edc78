import NeighborSearch
import XCTest

/// Why each line of an evaluation file was skipped, and scores that must never reach a correlation.
final class EvaluationSkipReasonTests: XCTestCase {
    func testNonFiniteScoresAreSkippedWithTheirReason() {
        let text = "a\tb\t1\nc\td\tnan\ne\tf\t-1e400\ng\th\tinf\ni j 3\nk\tl\tx\n"
        let (pairs, skipped) = WordPair.parseListingSkips(text)
        XCTAssertEqual(pairs.map(\.first), ["a"])
        XCTAssertEqual(skipped, [
            SkippedLine(line: 2, reason: "the score 'nan' is not a finite number"),
            SkippedLine(line: 3, reason: "the score '-1e400' is not a finite number"),
            SkippedLine(line: 4, reason: "the score 'inf' is not a finite number"),
            SkippedLine(line: 5, reason: "expected 3 fields separated by tab, found 1"),
            SkippedLine(line: 6, reason: "the score 'x' is not a number"),
        ])
        XCTAssertEqual(WordPair.parse(text).skippedLines, [2, 3, 4, 5, 6])
        XCTAssertEqual(WordPair.parseListingSkips("a,b\n", delimiter: ",").skipped,
                       [SkippedLine(line: 1, reason: "expected 3 fields separated by ',', found 2")])
    }

    func testAnalogySkipsAndUnnamedSections() throws {
        let (sections, skipped) = try AnalogySection.parseListingSkips(": \na b c d\n: x\na b c\n")
        XCTAssertEqual(sections.map(\.name), ["(unnamed, line 1)", "x"])
        XCTAssertEqual(skipped, [SkippedLine(line: 4, reason: "expected 4 words separated by spaces, found 3")])
    }
}
