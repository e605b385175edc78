import Foundation
import TestSupport
import XCTest

/// `eval` on broken pair and analogy files: every problem named with the file and line.
final class EvalFileCLITests: XCTestCase {
    var directory: URL!
    var sample: String { Fixtures.bundledData.appendingPathComponent("en-2k-384d.vec.gz").path }

    override func setUpWithError() throws { directory = try Fixtures.temporaryDirectory() }

    func write(_ text: String, _ name: String) throws -> String { try Fixtures.write(text, named: name, in: directory) }

    func testMalformedAndNonFiniteLinesAreListedWithTheirPositions() throws {
        let pairs = try write("king\tqueen\t8\nking\tqueen\tnan\nman\twoman\t-1e400\nbad line\nking\tman\t5\n", "p.tsv")
        let result = try CLIRunner.run(["eval", sample, "--pairs", pairs])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stderr, """
            \(pairs):2:1: warning: line skipped: the score 'nan' is not a finite number
            \(pairs):3:1: warning: line skipped: the score '-1e400' is not a finite number
            \(pairs):4:1: warning: line skipped: expected 3 fields separated by tab, found 1

            """)
        XCTAssertTrue(result.stdout.contains("word pairs: \(pairs) (2 pairs, 3 malformed lines skipped)"), result.stdout)
    }

    func testSpaceSeparatedPairsNameTheFileAndTheDelimiter() throws {
        let pairs = try write("king queen 8\nman woman 7\n", "spaces.tsv")
        let result = try CLIRunner.run(["eval", sample, "--pairs", pairs])
        XCTAssertEqual(result.status, 1)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.suffix(2), [
            "\(pairs): error: no word pair could be read: all 2 lines are malformed (line 1: expected 3 fields separated by tab, found 1)",
            "note: the lines look separated by spaces: pass --delimiter ' '",
        ])
        let fixed = try CLIRunner.run(["eval", sample, "--pairs", pairs, "--delimiter", " "])
        XCTAssertEqual(fixed.status, 0, fixed.stderr)
    }

    func testNoKnownPairNamesTheFileAndTheRestriction() throws {
        let pairs = try write("xxqq\tyyzz\t8\n", "oov.tsv")
        let result = try CLIRunner.run(["eval", sample, "--pairs", pairs, "--restrict", "100"])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stderr.split(separator: "\n").first.map(String.init),
                       "\(pairs): error: none of the 1 word pair has both words among the first 100 rows of the table")
    }

    func testCorrelationsThatCannotBeComputedAreNull() throws {
        let pairs = try write("king\tqueen\t8\n", "one.tsv")
        let result = try CLIRunner.run(["eval", sample, "--pairs", pairs, "--json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("\"pearson\":null"), result.stdout)
        XCTAssertTrue(result.stdout.contains("\"spearman\":null"), result.stdout)
    }

    func testMalformedAnalogyFiles() throws {
        let noQuestion = try write(": sec\nman king woman\n", "a.txt")
        let result = try CLIRunner.run(["eval", sample, "--analogies", noQuestion])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stderr, """
            \(noQuestion):2:1: warning: line skipped: expected 4 words separated by spaces, found 3
            \(noQuestion): error: no analogy question could be read (line 2: expected 4 words separated by spaces, found 3)
            note: questions-words.txt format: ': section-name' lines, then 'a b c d' lines

            """)
        let early = try write("man king woman queen\n", "b.txt")
        let before = try CLIRunner.run(["eval", sample, "--analogies", early])
        XCTAssertEqual(before.status, 1)
        XCTAssertEqual(before.stderr.split(separator: "\n").first.map(String.init),
                       "\(early):1:1: error: analogy question before the first ': section' line")
        let unknown = try write(": \nzzq king woman queen\n", "c.txt")
        let unanswered = try CLIRunner.run(["eval", sample, "--analogies", unknown])
        XCTAssertEqual(unanswered.status, 0, unanswered.stderr)
        XCTAssertTrue(unanswered.stdout.contains("  Total accuracy         n/a  0 / 0\n"), unanswered.stdout)
        XCTAssertTrue(unanswered.stdout.contains("  (unnamed, line 1)      n/a  0 / 0\n"), unanswered.stdout)
        let json = try CLIRunner.run(["eval", sample, "--analogies", unknown, "--json"])
        XCTAssertTrue(json.stdout.contains("\"accuracy\":null"), json.stdout)
    }
}
