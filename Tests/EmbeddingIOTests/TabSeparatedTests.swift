import EmbeddingCore
import EmbeddingIO
import Foundation
import TestSupport
import XCTest

/// Text rows whose fields are separated by tabs are read like space-separated ones, and noted.
final class TabSeparatedTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws { directory = try Fixtures.temporaryDirectory("charvec-tabs") }

    func write(_ text: String, _ name: String = "t.vec") throws -> String { try Fixtures.write(text, named: name, in: directory) }

    func testTabSeparatedRowsAreReadAndNoted() throws {
        let path = try write("3 2\na 1 2\nb\t3\t4\nc 5\t6\n")
        let (table, report) = try EmbeddingReader.load(path)
        XCTAssertEqual(table.vocabulary.words, ["a", "b", "c"])
        XCTAssertEqual(table.matrix.row(1), [3, 4])
        XCTAssertEqual(table.matrix.row(2), [5, 6])
        XCTAssertEqual(report.tabSeparatedRows, 2)
        XCTAssertEqual(report.firstTabSeparatedLine, 3)
        XCTAssertTrue(report.notes.contains("fields separated by tabs (accepted): 2 rows, first at \(path):3"), "\(report.notes)")
    }

    func testSpacesOnlyAndTrailingTabsAreNotTabSeparated() throws {
        let (_, plain) = try EmbeddingReader.load(try write("2 2\na 1 2\nb 3 4\n"))
        XCTAssertEqual(plain.tabSeparatedRows, 0)
        XCTAssertNil(plain.firstTabSeparatedLine)
        XCTAssertFalse(plain.notes.contains { $0.contains("tabs") })
        // A tab after the last value is trailing whitespace, not a separator between fields.
        let (_, trailing) = try EmbeddingReader.load(try write("1 2\na 1 2\t\n", "trailing.vec"))
        XCTAssertEqual(trailing.tabSeparatedRows, 0)
        XCTAssertEqual(trailing.trailingWhitespaceRows, 1)
    }

    func testGloVeRowsWithTabs() throws {
        let reader = try EmbeddingRecordReader(path: try write("a\t1\t2\nb 3 4\n", "g.txt"))
        XCTAssertEqual(reader.format, .glove)
        let scratch = ScratchBuffer()
        while try reader.readBatch(destination: { n in scratch.pointer(count: n * 2) }, { _ in }) {}
        XCTAssertEqual(reader.tabSeparatedRows, 1)
        XCTAssertEqual(reader.firstTabSeparatedLine, 1)
    }

    /// A batch of more than 1 MiB is parsed in two parts: the first tab row is the earliest one
    /// in file order, whichever thread saw it, and every tab row is counted once.
    func testFirstTabLineAcrossThreadsAndBatches() throws {
        let rows = 90_000
        let tabRows: Set<Int> = [50_000, 50_001, 89_999]
        var text = "\(rows) 4\n"
        for i in 0 ..< rows {
            let separator = tabRows.contains(i) ? "\t" : " "
            text += "w\(i)\(separator)0.125 0.25\(separator)0.5 1\n"
        }
        let path = try write(text, "big.vec")
        XCTAssertGreaterThan(text.utf8.count, 2 << 20)
        for threads in [1, 2] {
            let (table, report) = try EmbeddingReader.load(path, options: ReadOptions(threads: threads))
            XCTAssertEqual(table.count, rows)
            XCTAssertEqual(report.tabSeparatedRows, tabRows.count, "threads \(threads)")
            XCTAssertEqual(report.firstTabSeparatedLine, 50_000 + 2, "threads \(threads)")
        }
    }
}
