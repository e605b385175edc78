import NeighborSearch
import XCTest

/// The parsing of what `neighbors` and `embed` read from standard input (`QueryInput`,
/// `QueryLines`), which the `stdin` fuzz target also drives.
final class QueryInputTests: XCTestCase {
    func lines(_ raw: [String]) -> [String] {
        var next = 0
        return Array(QueryLines { defer { next += 1 }; return next < raw.count ? raw[next] : nil })
    }

    func testTheByteOrderMarkIsDroppedFromTheFirstLineOnly() {
        XCTAssertEqual(lines(["\u{FEFF}king", "\u{FEFF}queen"]), ["king", "\u{FEFF}queen"])
        XCTAssertEqual(lines(["\u{FEFF}", "\u{FEFF}queen"]), ["", "\u{FEFF}queen"], "a blank first line still takes the mark")
        XCTAssertEqual(lines(["\u{FEFF}\u{FEFF}a"]), ["\u{FEFF}a"], "one mark only")
        // U+0301 joins the mark in one Character; only the mark goes.
        XCTAssertEqual(Array(lines(["\u{FEFF}\u{0301}a"])[0].unicodeScalars), ["\u{0301}", "a"])
        XCTAssertEqual(lines([]), [])
        var numbered = QueryLines { nil }
        XCTAssertNil(numbered.next())
        XCTAssertEqual(numbered.lineNumber, 0)
    }

    func testQueryWordsAndEmbedWords() {
        XCTAssertEqual(QueryInput.queryWords("  New\tYork \u{00A0}City ", lowercase: true), ["new", "york", "city"])
        XCTAssertEqual(QueryInput.queryWords(" \t ", lowercase: false), [])
        XCTAssertEqual(QueryInput.embedWord("\t naïve\u{3000}"), "naïve")
        XCTAssertEqual(QueryInput.embedWord(" new york "), "new york", "blanks inside stay")
        XCTAssertNil(QueryInput.embedWord(" \t\u{00A0}"))
        XCTAssertNil(QueryInput.embedWord(""))
    }

    func testVectorLines() {
        XCTAssertEqual(try QueryInput.parseVector("[0.5, -1e-1,2]", dimensions: 3).get(), [0.5, -0.1, 2])
        XCTAssertEqual(QueryInput.parseVector("1 2 oops", dimensions: 3),
                       .failure(.init(column: 5, message: "expected a number, found 'oops'")))
        XCTAssertEqual(QueryInput.parseVector("1 2", dimensions: 3),
                       .failure(.init(column: 1, message: "the vector has 2 values, the table has 3 dimensions")))
        XCTAssertEqual(QueryInput.parseVector("\u{FEFF}1 2", dimensions: 2),
                       .failure(.init(column: 1, message: "expected a number, found '\u{FEFF}1'")),
                       "the mark is QueryLines' to drop, before parsing")
    }
}
