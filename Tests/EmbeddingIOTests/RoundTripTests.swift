import EmbeddingCore
import EmbeddingIO
import Foundation
import TestSupport
import XCTest

/// text ↔ binary ↔ gzip conversions must be bit-exact.
final class RoundTripTests: XCTestCase {
    func roundTrip(_ table: EmbeddingTable, directory: URL, file: StaticString = #filePath, line: UInt = #line) throws {
        for format in EmbeddingFormat.allCases {
            for gzip in [false, true] {
                let path = directory.appendingPathComponent("out-\(format.rawValue)\(gzip ? ".gz" : "")").path
                try EmbeddingWriter.write(table, to: path, format: format, gzip: gzip)
                let (back, report) = try EmbeddingReader.load(path)
                XCTAssertEqual(report.format, format, "\(format) gzip=\(gzip)", file: file, line: line)
                XCTAssertEqual(report.isGzip, gzip, file: file, line: line)
                XCTAssertEqual(back.vocabulary, table.vocabulary, "\(format) gzip=\(gzip)", file: file, line: line)
                XCTAssertTrue(back.matrix.isBitIdentical(to: table.matrix), "\(format) gzip=\(gzip)", file: file, line: line)
            }
        }
    }

    func testBundledSampleRoundTripsThroughEveryFormat() throws {
        let (table, report) = try EmbeddingReader.load(Fixtures.bundledData.appendingPathComponent("en-2k-384d.vec.gz").path)
        XCTAssertEqual(report.format, .word2vecText)
        XCTAssertTrue(report.isGzip)
        XCTAssertEqual(table.count, 2000)
        XCTAssertEqual(table.dimensions, 384)
        XCTAssertEqual(table.vocabulary[0], "of")
        try roundTrip(table, directory: try Fixtures.temporaryDirectory())
    }

    func testSharedTableTextAndBinaryAreIdenticalAndRoundTrip() throws {
        guard let shared = Fixtures.sharedData else { throw XCTSkip(Fixtures.sharedDataMissing) }
        let binaryPath = shared.appendingPathComponent("en-19k-384d.bin").path
        let (binary, binaryReport) = try EmbeddingReader.load(binaryPath)
        let (text, _) = try EmbeddingReader.load(shared.appendingPathComponent("en-19k-384d.vec.gz").path)
        XCTAssertEqual(binaryReport.format, .word2vecBinary)
        XCTAssertEqual(binaryReport.binaryRowsEndWithNewline, true)
        XCTAssertEqual(binary.count, 19719)
        XCTAssertEqual(binary.vocabulary, text.vocabulary)
        XCTAssertTrue(binary.matrix.isBitIdentical(to: text.matrix))
        let directory = try Fixtures.temporaryDirectory()
        try roundTrip(binary, directory: directory)
        // Our binary writer reproduces word2vec.c's layout byte for byte.
        let rewritten = directory.appendingPathComponent("rewritten.bin").path
        try EmbeddingWriter.write(binary, to: rewritten, format: .word2vecBinary)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: rewritten)), try Data(contentsOf: URL(fileURLWithPath: binaryPath)))
    }

    func testSpecialValuesRoundTripThroughText() throws {
        var table = EmbeddingTable(dimensions: 6)
        table.append("a", [0, -0.0, .infinity, -.infinity, .leastNonzeroMagnitude, .greatestFiniteMagnitude])
        table.append("b", [Float(bitPattern: 1), .leastNormalMagnitude, 3.4028235e38, 0.1, -123456.789, 16777217])
        table.append("c", [.nan, 1, 2, 3, 4, 5])
        let directory = try Fixtures.temporaryDirectory()
        let path = directory.appendingPathComponent("special.vec").path
        try EmbeddingWriter.write(table, to: path, format: .word2vecText)
        let (back, report) = try EmbeddingReader.load(path)
        XCTAssertEqual(report.nonFiniteRows, 2)
        for row in 0 ..< 2 {
            XCTAssertEqual(back.matrix.row(row).map(\.bitPattern), table.matrix.row(row).map(\.bitPattern), "row \(row)")
        }
        XCTAssertTrue(back.matrix[2, 0].isNaN)
    }

    func testConcatenatedGzipMembersAreOneStream() throws {
        let directory = try Fixtures.temporaryDirectory()
        var table = EmbeddingTable(dimensions: 2)
        table.append("x", [1, 2])
        let part1 = directory.appendingPathComponent("p1.gz").path
        try EmbeddingWriter.write(table, to: part1, format: .word2vecText, gzip: true)
        // A second member holding the remaining row: `cat a.gz b.gz` style.
        var tail = EmbeddingTable(dimensions: 2)
        tail.append("y", [3, 4])
        let part2 = directory.appendingPathComponent("p2.gz").path
        try EmbeddingWriter.write(tail, to: part2, format: .glove, gzip: true)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: part1))
        bytes.append(try Data(contentsOf: URL(fileURLWithPath: part2)))
        // Header said 1 row; fix it to 2 by building the first member from text directly.
        let header = directory.appendingPathComponent("h.gz").path
        let output = try OutputFile(path: header, gzip: true)
        try output.write("2 2\nx 1 2\n")
        try output.commit()
        var joined = try Data(contentsOf: URL(fileURLWithPath: header))
        joined.append(try Data(contentsOf: URL(fileURLWithPath: part2)))
        let path = try Fixtures.write(Array(joined), named: "joined.vec.gz", in: directory)
        let (back, _) = try EmbeddingReader.load(path)
        XCTAssertEqual(back.vocabulary.words, ["x", "y"])
        XCTAssertEqual(back.matrix.row(1), [3, 4])
    }

    func testLimitAndLowercase() throws {
        let directory = try Fixtures.temporaryDirectory()
        let path = try Fixtures.write("3 2\nApple 1 2\napple 3 4\nÉcole 5 6\n", named: "case.vec", in: directory)
        let (limited, report) = try EmbeddingReader.load(path, options: ReadOptions(limit: 2))
        XCTAssertEqual(limited.count, 2)
        XCTAssertTrue(report.stoppedAtLimit)
        let (folded, foldedReport) = try EmbeddingReader.load(path, options: ReadOptions(lowercase: true))
        XCTAssertEqual(folded.vocabulary.words, ["apple", "apple", "école"])
        XCTAssertEqual(foldedReport.duplicateRows, 1)
        XCTAssertEqual(folded.vocabulary.index(of: "apple"), 0)
        XCTAssertEqual(folded.vocabulary.duplicates.map(\.row), [1])
    }

    func testAtomicWriteLeavesNoPartialFileAndKeepsOldOnFailure() throws {
        let directory = try Fixtures.temporaryDirectory()
        let path = try Fixtures.write("old contents\n", named: "out.vec", in: directory)
        var table = EmbeddingTable(dimensions: 1)
        table.append("good", [1])
        table.append("bad word", [2])
        XCTAssertThrowsError(try EmbeddingWriter.write(table, to: path, format: .word2vecText)) { error in
            guard case .unwritableWord(_, let row, _, _)? = error as? EmbeddingWriteError else { return XCTFail("\(error)") }
            XCTAssertEqual(row, 1)
        }
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "old contents\n")
        // An abandoned OutputFile (e.g. an error mid-write) removes its temporary file.
        do {
            let output = try OutputFile(path: path)
            try output.write("partial")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["out.vec"])
    }
}
