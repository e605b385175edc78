import TestSupport
import XCTest

/// The exact standard output and exit status of deterministic commands on the bundled data,
/// against `Tests/Corpus/golden/*.txt` (see ``GoldenOutput``; `CHARVEC_UPDATE_GOLDEN=1`
/// rewrites them).
final class GoldenOutputTests: XCTestCase {
    /// `info` reports how long the load took.
    let loadTime = GoldenOutput.Mask(#"(?m)^load time:.*$"#, "load time:   <varies>")

    func testAuditOfThePlantedDefects() throws {
        try GoldenOutput.assertMatches("audit-planted-defects", ["audit", "data/planted-defects.vec"])
    }

    func testInfoOfThePlantedDefects() throws {
        try GoldenOutput.assertMatches("info-planted-defects", ["info", "data/planted-defects.vec"], masks: [loadTime])
    }

    func testInfoOfTheSample() throws {
        try GoldenOutput.assertMatches("info-sample", ["info", "data/en-2k-384d.vec.gz"], masks: [loadTime])
    }

    func testNeighborsOfAWord() throws {
        try GoldenOutput.assertMatches("neighbors-king", ["neighbors", "data/en-2k-384d.vec.gz", "king", "--top", "5"])
    }

    /// One JSON line per query, including an unknown word (exit status 0: one query was answered).
    func testNeighborsAsJSON() throws {
        try GoldenOutput.assertMatches("neighbors-json",
                                       ["neighbors", "data/en-2k-384d.vec.gz", "queen", "zzzqx", "--top", "3", "--json"])
    }

    func testAMismatchShowsTheFirstDifferingLinesAsAUnifiedDiff() {
        let expected = "$ charvec info x\nexit 0\na\nb\nc\nd\n"
        let actual = "$ charvec info x\nexit 0\na\nb\nC\nd\n"
        XCTAssertEqual(GoldenOutput.firstDifference(expected: expected, actual: actual, expectedName: "x.txt"), """
            --- x.txt
            +++ actual
            @@ -3,3 +3,3 @@
             a
             b
            -c
            +C
            """)
        XCTAssertNil(GoldenOutput.firstDifference(expected: expected, actual: expected))
        let longer = GoldenOutput.firstDifference(expected: "a\n", actual: "a\nextra\n")
        XCTAssertTrue(longer?.contains("\n+extra") == true, longer ?? "nil")
    }
}
