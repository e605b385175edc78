import EmbeddingCore
import EmbeddingIO
import Foundation
import TestSupport
import XCTest

/// Each failure cause gets its own error with the exact position in the user's file.
final class ReaderErrorTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws { directory = try Fixtures.temporaryDirectory() }

    func load(_ text: String, _ options: ReadOptions = ReadOptions()) throws -> (EmbeddingTable, LoadReport) {
        try EmbeddingReader.load(try Fixtures.write(text, named: "t.vec", in: directory), options: options)
    }

    func loadBytes(_ bytes: [UInt8], _ name: String = "t.bin") throws -> (EmbeddingTable, LoadReport) {
        try EmbeddingReader.load(try Fixtures.write(bytes, named: name, in: directory))
    }

    func expectError(_ body: @autoclosure () throws -> Any, file: StaticString = #filePath, line: UInt = #line,
                     _ check: (EmbeddingFileError) -> Void) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            guard let error = error as? EmbeddingFileError else { return XCTFail("not an EmbeddingFileError: \(error)", file: file, line: line) }
            XCTAssertNotNil(error.hint, file: file, line: line)
            check(error)
        }
    }

    func testWrongComponentCountNamesLineWordAndCounts() {
        expectError(try load("3 2\na 1 2\nb 1\nc 1 2\n")) { error in
            XCTAssertEqual(error, .wrongComponentCount(SourceLocation(path: error.path, line: 3), word: "b", expected: 2, found: 1))
            XCTAssertTrue(error.description.hasSuffix("t.vec:3:1: error: row 'b' has 1 value, expected 2"), error.description)
        }
        expectError(try load("2 2\nnew york 1 2\nb 1 2\n")) { error in
            // "york" is not a number: the word had a space in it.
            XCTAssertEqual(error, .nonNumericComponent(SourceLocation(path: error.path, line: 2, column: 5), word: "new", token: "york"))
        }
    }

    func testNonNumericTokenColumn() {
        expectError(try load("1 3\nword 0.5 1.2.3 7\n")) { error in
            XCTAssertEqual(error, .nonNumericComponent(SourceLocation(path: error.path, line: 2, column: 10), word: "word", token: "1.2.3"))
        }
    }

    func testHeaderCountsThatLie() {
        expectError(try load("4 1\na 1\nb 2\n")) { error in
            XCTAssertEqual(error, .fewerRowsThanHeader(SourceLocation(path: error.path, line: 4), expected: 4, found: 2))
        }
        expectError(try load("1 1\na 1\nb 2\nc 3\n")) { error in
            XCTAssertEqual(error, .moreRowsThanHeader(SourceLocation(path: error.path, line: 3), expected: 1))
        }
        // --limit to the header's count reads the first rows, as gensim does.
        XCTAssertEqual(try? load("1 1\na 1\nb 2\n", ReadOptions(limit: 1)).0.count, 1)
    }

    func testMalformedAndImplausibleHeaders() {
        expectError(try load("x\n", ReadOptions(format: .word2vecText))) { error in
            XCTAssertEqual(error, .malformedHeader(SourceLocation(path: error.path, line: 1), found: "x"))
        }
        expectError(try load("1000000000000 300\na 1\n")) { error in
            guard case .implausibleHeader(_, let count, _, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(count, 1_000_000_000_000)
        }
        expectError(try load("2 0\n")) { error in
            guard case .implausibleHeader = error else { return XCTFail("\(error)") }
        }
        expectError(try load("")) { error in XCTAssertEqual(error, .emptyFile(path: error.path)) }
    }

    func testInvalidUTF8IsAnErrorOrKeptOnRequest() throws {
        var bytes = Array("2 1\nok 1\ncaf".utf8) + [0xE9] + Array(" 2\n".utf8)
        let path = try Fixtures.write(bytes, named: "latin1.vec", in: directory)
        expectError(try EmbeddingReader.load(path)) { error in
            XCTAssertEqual(error, .invalidUTF8(SourceLocation(path: path, line: 3, column: 4), word: "caf\u{FFFD}", byteOffsetInWord: 3))
        }
        let (table, report) = try EmbeddingReader.load(path, options: ReadOptions(unicodeErrors: .replace))
        XCTAssertEqual(report.invalidUTF8Rows, [1])
        XCTAssertEqual(Array(table.vocabulary.bytes(at: 1)), [0x63, 0x61, 0x66, 0xE9])
        bytes = []
    }

    func testTolerantSpellings() throws {
        // CRLF, trailing spaces, tabs, BOM, blank lines, fastText trailing space, C-printf nan/inf.
        let text = "\u{FEFF}3 2\r\na 1 2 \r\n\nb\t3\t4\nc nan -inf\n\n"
        let (table, report) = try load(text)
        XCTAssertEqual(table.vocabulary.words, ["a", "b", "c"])
        XCTAssertTrue(report.skippedByteOrderMark)
        XCTAssertEqual(report.blankLines, 2)
        XCTAssertEqual(report.crlfRows, 1) // the header line is not a row
        XCTAssertEqual(report.trailingWhitespaceRows, 1)
        XCTAssertEqual(report.tabSeparatedRows, 1)
        XCTAssertEqual(report.firstTabSeparatedLine, 4)
        XCTAssertEqual(report.nonFiniteRows, 1)
        XCTAssertTrue(table.matrix[2, 0].isNaN)
        XCTAssertEqual(table.matrix[2, 1], -.infinity)
    }

    func testGloveDetectedWithoutHeader() throws {
        let (table, report) = try load("the 0.1 0.2 0.3\nof 0.4 0.5 0.6")
        XCTAssertEqual(report.format, .glove)
        XCTAssertNil(report.header)
        XCTAssertEqual(table.count, 2)
        XCTAssertEqual(table.matrix.row(1), [0.4, 0.5, 0.6])
    }

    // MARK: binary

    func binaryRow(_ word: String, _ values: [Float], newline: Bool) -> [UInt8] {
        var bytes = Array(word.utf8) + [0x20]
        for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        if newline { bytes.append(0x0A) }
        return bytes
    }

    func testBinaryWithAndWithoutNewlines() throws {
        for newline in [true, false] {
            let bytes = Array("2 2\n".utf8) + binaryRow("a", [1, 2], newline: newline) + binaryRow("b", [3, 4], newline: newline)
            let (table, report) = try loadBytes(bytes)
            XCTAssertEqual(report.format, .word2vecBinary)
            XCTAssertEqual(report.binaryRowsEndWithNewline, newline)
            XCTAssertEqual(table.vocabulary.words, ["a", "b"])
            XCTAssertEqual(table.matrix.row(1), [3, 4])
        }
    }

    func testTruncatedBinaryNamesRowAndOffset() {
        let full = Array("2 2\n".utf8) + binaryRow("a", [1, 2], newline: true) + binaryRow("b", [3, 4], newline: true)
        let cut = Array(full.prefix(full.count - 4)) // inside b's vector (3 bytes of the last float and the newline)
        expectError(try loadBytes(cut)) { error in
            XCTAssertEqual(error, .truncatedBinary(SourceLocation(path: error.path, byteOffset: 15), row: 1, missingBytes: 3))
        }
    }

    func testWordWithSpaceInBinaryIsCaughtNotSilentlyShifted() {
        // word2vec.c layout: "new york" makes the reader take "york ..." as float bytes.
        let bytes = Array("3 2\n".utf8) + binaryRow("a", [1, 2], newline: true)
            + binaryRow("new york", [3, 4], newline: true) + binaryRow("c", [5, 6], newline: true)
        expectError(try loadBytes(bytes)) { error in
            guard case .misalignedBinaryRow(let location, let row, let found) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(row, 1)
            XCTAssertEqual(location.byteOffset, 15 + 4 + 8) // row start 15, "new " 4, vector 8
            XCTAssertTrue(found.contains("'new' seems to continue with 'york'"), found)
        }
        // gensim layout (no newline): the shift still cannot pass unnoticed.
        let gensim = Array("3 2\n".utf8) + binaryRow("a", [1, 2], newline: false)
            + binaryRow("new york", [3, 4], newline: false) + binaryRow("c", [5, 6], newline: false)
        XCTAssertThrowsError(try loadBytes(gensim))
    }

    func testTruncatedAndCorruptGzip() throws {
        var table = EmbeddingTable(dimensions: 64)
        for i in 0 ..< 500 { table.append("w\(i)", (0 ..< 64).map { Float($0 * i) / 7 }) }
        let path = directory.appendingPathComponent("t.vec.gz").path
        try EmbeddingWriter.write(table, to: path, format: .word2vecText, gzip: true)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let cut = try Fixtures.write(Array(data.prefix(data.count / 2)), named: "cut.vec.gz", in: directory)
        expectError(try EmbeddingReader.load(cut)) { error in
            XCTAssertEqual(error, .truncatedGzip(path: cut, compressedBytes: data.count / 2))
        }
        var corrupted = Array(data)
        for i in 100 ..< 140 { corrupted[i] ^= 0x5A }
        let bad = try Fixtures.write(corrupted, named: "bad.vec.gz", in: directory)
        expectError(try EmbeddingReader.load(bad)) { error in
            guard case .corruptGzip = error else { return XCTFail("\(error)") }
        }
    }

    func testSharedDefectFilesGiveTheirErrors() throws {
        guard let shared = Fixtures.sharedData else { throw XCTSkip(Fixtures.sharedDataMissing) }
        func path(_ name: String) -> String { shared.appendingPathComponent("defects/\(name)").path }
        let cases: [(String, String)] = [
            ("header-count-too-high.vec", "header-count-too-high.vec:8:1: error: file ends after 6 rows but the header promises 8"),
            ("header-count-too-low.vec", "header-count-too-low.vec:6:1: error: the header promises 4 rows but the file has more"),
            ("wrong-dim-row.vec", "wrong-dim-row.vec:4:1: error: row 'zenigata' has 7 values, expected 8"),
            ("truncated.bin", "truncated.bin:byte 125: error: file ends inside binary row 4: 19 more bytes expected"),
            ("invalid-utf8.vec", "invalid-utf8.vec:4:9: error: word 'zenigata\u{FFFD}' is not valid UTF-8 (bad byte at offset 8 in the word)"),
            ("truncated.vec.gz", "truncated.vec.gz: error: gzip stream ends without its end-of-stream marker after 17997 compressed bytes"),
            ("gensim-pretrained.vec", "gensim-pretrained.vec:3:1: error: file ends after 1 row but the header promises 3"),
            ("gensim-truncated-multibyte.vec", "gensim-truncated-multibyte.vec:2:16: error: word 'ありがとう\u{FFFD}' is not valid UTF-8 (bad byte at offset 15 in the word)"),
        ]
        for (name, expected) in cases {
            XCTAssertThrowsError(try EmbeddingReader.load(path(name)), name) { error in
                XCTAssertTrue("\(error)".hasSuffix(expected), "\(name): \(error)")
            }
        }
        for name in ["crlf.vec", "trailing-space.vec", "utf8-bom.vec", "zero-row.vec", "nan-inf.vec", "nan-inf.bin", "duplicate-word.vec"] {
            let (table, _) = try EmbeddingReader.load(path(name))
            XCTAssertEqual(table.count, 6, name)
            XCTAssertEqual(table.dimensions, 8, name)
        }
        let (nan, report) = try EmbeddingReader.load(path("nan-inf.bin"))
        XCTAssertEqual(report.nonFiniteRows, 2)
        XCTAssertTrue(nan.matrix[1, 3].isNaN)
        XCTAssertEqual(nan.matrix[3, 5], .infinity)
    }
}
