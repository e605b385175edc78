import EmbeddingCore
@testable import EmbeddingIO
import Foundation
import TestSupport
import XCTest

/// Plain binary files are read through a sliding memory map; every result must equal the
/// `read(2)` path's, also when rows straddle windows or are longer than one.
final class MappedReadTests: XCTestCase {
    func options(mapped: Bool, window: Int = 32 << 20) -> ReadOptions {
        var options = ReadOptions()
        options.mapThreshold = mapped ? 0 : .max
        options.mapWindow = window
        return options
    }

    func binarySample() throws -> (EmbeddingTable, String) {
        let (table, _) = try EmbeddingReader.load(Fixtures.bundledData.appendingPathComponent("en-2k-384d.vec.gz").path)
        let path = try Fixtures.temporaryDirectory().appendingPathComponent("sample.bin").path
        try EmbeddingWriter.write(table, to: path, format: .word2vecBinary)
        return (table, path)
    }

    func testMappedWindowsGiveTheSameTableAsRead() throws {
        let (table, path) = try binarySample()
        // 1 page (rows of 1,5xx bytes are longer than a window: the window grows), 3 pages
        // (rows straddle windows), and the default.
        for window in [4096, 3 * 4096, 32 << 20] {
            let (back, report) = try EmbeddingReader.load(path, options: options(mapped: true, window: window))
            XCTAssertEqual(report.format, .word2vecBinary)
            XCTAssertEqual(report.binaryRowsEndWithNewline, true)
            XCTAssertEqual(report.bytesRead, try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
            XCTAssertEqual(back.vocabulary, table.vocabulary, "window \(window)")
            XCTAssertTrue(back.matrix.isBitIdentical(to: table.matrix), "window \(window)")
        }
    }

    func testMappedErrorsMatchReadErrors() throws {
        let (_, path) = try binarySample()
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let directory = try Fixtures.temporaryDirectory()
        // A control byte in the 700th word, and a file cut inside its last vector.
        let rowBytes = bytes.count / 2000
        let broken = directory.appendingPathComponent("broken.bin").path
        var damaged = bytes
        var offset = 0, row = 0
        while row < 700 { offset = damaged[offset...].firstIndex(of: 0x20)! + 1 + 384 * 4 + 1; row += 1 }
        damaged[offset + 1] = 0x01
        try Data(damaged).write(to: URL(fileURLWithPath: broken))
        let truncated = directory.appendingPathComponent("truncated.bin").path
        bytes.removeLast(rowBytes / 3)
        try Data(bytes).write(to: URL(fileURLWithPath: truncated))
        for file in [broken, truncated] {
            var messages: [String] = []
            for mapped in [false, true] {
                XCTAssertThrowsError(try EmbeddingReader.load(file, options: options(mapped: mapped, window: 3 * 4096))) { error in
                    messages.append(String(describing: error))
                }
            }
            XCTAssertEqual(messages.count, 2)
            XCTAssertEqual(messages.first, messages.last, file)
        }
    }

    /// A binary table of 6,000 × 384 seeded values (9 MB: the second half of each window is
    /// scanned on another thread), some words non-ASCII; rows end in `\n` (word2vec.c) or not
    /// (gensim).
    func largeBinary(newline: Bool, damageRow: Int? = nil) throws -> String {
        var rng = SplitMix64(seed: 11)
        var bytes = Array("6000 384\n".utf8)
        var starts: [Int] = []
        for row in 0 ..< 6000 {
            starts.append(bytes.count)
            let word = row % 97 == 0 ? "wörd\(row)" : "w\(row)x\(String(repeating: "y", count: row % 13))"
            bytes += Array(word.utf8) + [0x20]
            for _ in 0 ..< 384 {
                withUnsafeBytes(of: rng.uniform(-1, 1).bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
            }
            if newline { bytes.append(0x0A) }
        }
        if let damageRow { bytes[starts[damageRow] + 1] = 0x01 }
        let name = "large-\(newline ? "nl" : "plain")-\(damageRow ?? -1).bin"
        return try Fixtures.write(bytes, named: name, in: try Fixtures.temporaryDirectory())
    }

    /// The words are gathered while the vectors are copied (on two threads); a limit inside a
    /// batch keeps only its first words, and lowercasing takes the per-row path.
    func testGatheredWordsMatchTheFile() throws {
        let path = try largeBinary(newline: true)
        let words = (0 ..< 6000).map { row in row % 97 == 0 ? "wörd\(row)" : "w\(row)x\(String(repeating: "y", count: row % 13))" }
        for threads in [1, 2] {
            for limit in [nil, 1, 1500, 5999] as [Int?] {
                for lowercase in [false, true] {
                    var options = options(mapped: true, window: 4 << 20)
                    options.threads = threads
                    options.limit = limit
                    options.lowercase = lowercase
                    let (table, _) = try EmbeddingReader.load(path, options: options)
                    let expected = Array(words.prefix(limit ?? words.count))
                    XCTAssertEqual(table.vocabulary.words, expected, "threads \(threads) limit \(String(describing: limit))")
                    XCTAssertEqual(table.vocabulary.index(of: expected.last!), expected.count - 1)
                }
            }
        }
    }

    func testSecondHalfScanGivesTheSerialResult() throws {
        let scratch = UnsafeMutablePointer<Scalar>.allocate(capacity: 6000 * 384)
        defer { scratch.deallocate() }
        for newline in [true, false] {
            let path = try largeBinary(newline: newline)
            var serial = options(mapped: true, window: 8 << 20)
            serial.threads = 1
            let (reference, _) = try EmbeddingReader.load(path, options: serial)
            XCTAssertEqual(reference.count, 6000)
            // The other thread's half is really used (4 MiB windows: two of the three qualify).
            let reader = try EmbeddingRecordReader(path: path, options: options(mapped: true, window: 4 << 20))
            var rows = 0
            while try reader.readBatch(destination: { _ in scratch }, { rows += $0.count }) {}
            XCTAssertEqual(rows, 6000)
            XCTAssertEqual(reader.secondHalfMerges, 2, "newline \(newline)")
            for window in [4 << 20, 8 << 20, 32 << 20] {
                for mapped in [true, false] {
                    let (table, _) = try EmbeddingReader.load(path, options: options(mapped: mapped, window: window))
                    XCTAssertEqual(table.vocabulary, reference.vocabulary, "newline \(newline) mapped \(mapped)")
                    XCTAssertTrue(table.matrix.isBitIdentical(to: reference.matrix))
                }
            }
        }
    }

    func testSecondHalfScanKeepsErrorsWhereTheSerialScanFindsThem() throws {
        // A control byte inside a word in the second half (the other thread stops there) and in the first.
        for row in [4500, 1200] {
            let path = try largeBinary(newline: true, damageRow: row)
            var messages: [String] = []
            for threads in [1, 2] {
                var o = options(mapped: true, window: 4 << 20)
                o.threads = threads
                XCTAssertThrowsError(try EmbeddingReader.load(path, options: o)) { messages.append(String(describing: $0)) }
            }
            XCTAssertEqual(messages.count, 2)
            XCTAssertEqual(messages.first, messages.last)
            XCTAssertTrue(messages.first?.contains("control byte") ?? false, messages.first ?? "")
        }
    }
}
