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
}
