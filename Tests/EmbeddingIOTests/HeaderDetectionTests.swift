import EmbeddingCore
import EmbeddingIO
import Foundation
import TestSupport
import XCTest

/// What the reader decides when it opens a file: damaged headers, header-less files whose first
/// row is cut, binary headers with the wrong dimension, and small text files that look binary.
final class HeaderDetectionTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws { directory = try Fixtures.temporaryDirectory() }

    func path(_ text: String, _ name: String = "t.vec") throws -> String { try Fixtures.write(text, named: name, in: directory) }

    func loadError(_ path: String, _ options: ReadOptions = ReadOptions()) -> EmbeddingFileError? {
        do {
            _ = try EmbeddingReader.load(path, options: options)
            return nil
        } catch { return error as? EmbeddingFileError }
    }

    /// Binary rows `word<i> ` + `dimensions` floats (+ `\n`), under a header stating `headerDimensions`.
    func binary(rows: Int, dimensions: Int, headerDimensions: Int, newline: Bool) throws -> String {
        var bytes = Array("\(rows) \(headerDimensions)\n".utf8)
        var random = SplitMix64(seed: 7)
        for row in 0 ..< rows {
            bytes += Array("word\(row) ".utf8)
            for _ in 0 ..< dimensions {
                let value = Float(random.next() % 2000) / 1000 - 1
                withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 }
            }
            if newline { bytes.append(0x0A) }
        }
        return try Fixtures.write(bytes, named: "t.bin", in: directory)
    }

    func testHeadersThatAreNotTwoIntegersAreRefusedNotReadAsARow() throws {
        for (header, rows, dimensions) in [("2.0 3", "ab 1 2 3\ncd 4 5 6\n", 3), ("-3 4", "ab 1 2 3 4\ncd 4 5 6 7\nef 1 1 1 1\n", 4),
                                           ("+2 3", "ab 1 2 3\ncd 4 5 6\n", 3), ("2 3 4", "ab 1 2 3\ncd 4 5 6\n", 3)] {
            let file = try path(header + "\n" + rows)
            let error = loadError(file)
            XCTAssertEqual(error, .headerNotIntegers(SourceLocation(path: file, line: 1), found: header, rowDimensions: dimensions), header)
            XCTAssertEqual(error?.description,
                           "\(file):1:1: error: the first line '\(header)' is not a valid header: expected two non-negative integers 'count dim'")
            XCTAssertEqual(error?.hint, "the rows that follow have \(dimensions) values each: write the first line as 'ROWS \(dimensions)' "
                           + "(read as a GloVe row it would make every other row look broken)")
            // The record reader refuses it too, unless told to skip it (the sanitizer, which rewrites the header).
            XCTAssertThrowsError(try EmbeddingRecordReader(path: file))
            var skipping = ReadOptions()
            skipping.skipsMalformedHeader = true
            let reader = try EmbeddingRecordReader(path: file, options: skipping)
            XCTAssertEqual(reader.skippedMalformedHeader, header)
            XCTAssertEqual(reader.dimensions, dimensions)
            XCTAssertNil(reader.header)
        }
    }

    func testNumericGloVeWordsStayRows() throws {
        // A header-less dimension-1 table whose words are numbers: every line agrees, so it is GloVe.
        let (table, report) = try EmbeddingReader.load(try path("1 0.5\n2 0.25\n3 0.125\n"))
        XCTAssertEqual(report.format, .glove)
        XCTAssertEqual(table.dimensions, 1)
        XCTAssertEqual(table.count, 3)
    }

    func testGloVeDimensionComesFromTheMajorityNotACutFirstRow() throws {
        let file = try path("ab 1 2\ncd 4 5 6\nef 1 2 3\ngh 3 3 3\n")
        let reader = try EmbeddingRecordReader(path: file)
        XCTAssertEqual(reader.format, .glove)
        XCTAssertEqual(reader.dimensions, 3)
        XCTAssertEqual(loadError(file), .wrongComponentCount(SourceLocation(path: file, line: 1), word: "ab", expected: 3, found: 2))
        XCTAssertEqual(try EmbeddingRecordReader(path: file, options: ReadOptions(format: .glove)).dimensions, 3,
                       "forced GloVe uses the majority too")
    }

    func testBinaryHeaderWithTheWrongDimensionIsNamed() throws {
        for (headerDimensions, newline) in [(3, true), (5, true), (3, false), (6, false)] {
            let file = try binary(rows: 20, dimensions: 4, headerDimensions: headerDimensions, newline: newline)
            let error = loadError(file)
            XCTAssertEqual(error, .binaryDimensionMismatch(SourceLocation(path: file, line: 1), headerDimensions: headerDimensions,
                                                           rowDimensions: 4), "\(headerDimensions) \(newline)")
            XCTAssertEqual(error?.message, "the header says \(headerDimensions) values per row, but the binary rows hold 4 (16 bytes after each word)")
            XCTAssertEqual(error?.hint, "the header's dimension is wrong: write it as 'COUNT 4' (the rows are consistent with 4 values)")
            // --limit must not hand out the first misaligned rows either.
            XCTAssertNotNil(loadError(file, ReadOptions(limit: 2)))
        }
        let good = try binary(rows: 20, dimensions: 4, headerDimensions: 4, newline: true)
        XCTAssertEqual(try EmbeddingReader.load(good).0.count, 20)
    }

    func testSmallTextFilesWithNULOrLatin1WordsStayText() throws {
        let nul = try path("2 2\na 1 2\nb\u{0}c 3 4\n", "nul.vec")
        XCTAssertEqual(try EmbeddingRecordReader(path: nul).format, .word2vecText)
        let latin1 = try Fixtures.write(Array("2 2\na 1 2\ncaf".utf8) + [0xE9] + Array(" 3 4\n".utf8), named: "latin1.vec", in: directory)
        let reader = try EmbeddingRecordReader(path: latin1, options: ReadOptions(unicodeErrors: .replace))
        XCTAssertEqual(reader.format, .word2vecText)
        XCTAssertEqual(try EmbeddingReader.load(latin1, options: ReadOptions(unicodeErrors: .replace)).0.count, 2)
    }

    func testMisalignedBinaryHintMentionsTextFormat() {
        let error = EmbeddingFileError.misalignedBinaryRow(SourceLocation(path: "x.bin", byteOffset: 9), row: 0, found: "x")
        XCTAssertTrue(error.hint?.hasSuffix("if the file is text, pass '--format text'") == true, error.hint ?? "")
    }

    func testALongWordIsCutInTheMessageButKeptInTheError() throws {
        let word = String(repeating: "w", count: 100_000)
        let file = try path("2 2\nok 1 2\n\(word) 1\n")
        let error = try XCTUnwrap(loadError(file))
        XCTAssertEqual(error, .wrongComponentCount(SourceLocation(path: file, line: 3), word: word, expected: 2, found: 1))
        XCTAssertEqual(error.message, "row '\(String(repeating: "w", count: 64))… (100000 bytes)' has 1 value, expected 2")
    }
}
