import EmbeddingCore
@testable import EmbeddingIO
import Foundation
import TestSupport
import XCTest

/// NumPy and safetensors output compared byte for byte with files numpy and the safetensors
/// package wrote (Tests/Corpus/formats, made by tools/formats/make_array_fixtures.py), and read back.
final class ArrayFormatRoundTripTests: XCTestCase {
    static let corpus = Fixtures.packageRoot.appendingPathComponent("Tests/Corpus/formats")
    var directory: URL!

    override func setUpWithError() throws { directory = try Fixtures.temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    func fixture(_ name: String) -> String { Self.corpus.appendingPathComponent(name).path }
    func bytes(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path))) }
    func out(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// The source table of every fixture.
    func source() throws -> EmbeddingTable { try EmbeddingReader.load(fixture("small.vec")).0 }

    /// `table` with every value rounded through float16.
    func halved(_ table: EmbeddingTable) -> EmbeddingTable {
        var copy = table
        copy.matrix.withUnsafeMutableBufferPointer { values in
            for i in values.indices { values[i] = Float(Float16(values[i])) }
        }
        return copy
    }

    func testNumPyOutputIsByteIdenticalToNumpy() throws {
        let table = try source()
        for (name, precision) in [("small", ValuePrecision.float32), ("small-f16", .float16)] {
            let report = try TableFile.write(table, to: out("\(name).npy"), format: .numpy, precision: precision)
            XCTAssertEqual(try bytes(out("\(name).npy")), try bytes(fixture("\(name).npy")), name)
            XCTAssertEqual(try bytes(out("\(name).vocab.txt")), try bytes(fixture("\(name).vocab.txt")), name)
            XCTAssertEqual(report == nil, precision == .float32)
        }
    }

    func testNumPyHeaderPaddingMatchesNumpyForEveryLength() {
        // numpy pads to 64 bytes and reserves 21 digits for the row count; a full 64 of padding
        // is added when the dict already ends on the boundary.
        for (rows, columns) in [(0, 1), (6, 4), (123_456_789, 300), (1, 12_345_678_901)] {
            let header = NumPyFormat.header(rows: rows, columns: columns, precision: .float32)
            XCTAssertEqual(header.count % 64, 0, "\(rows)×\(columns)")
            XCTAssertEqual(header.last, 0x0A)
            XCTAssertEqual(Int(header[8]) | Int(header[9]) << 8, header.count - 10)
        }
    }

    func testSafeTensorsOutputIsByteIdenticalToTheSafetensorsPackage() throws {
        let table = try source()
        for (name, precision) in [("small", ValuePrecision.float32), ("small-f16", .float16)] {
            try TableFile.write(table, to: out("\(name).safetensors"), format: .safetensors, precision: precision)
            XCTAssertEqual(try bytes(out("\(name).safetensors")), try bytes(fixture("\(name).safetensors")), name)
        }
    }

    func testFixturesReadBackToTheSourceTable() throws {
        let table = try source()
        for name in ["small.npy", "small.safetensors", "ascii-vocab.safetensors", "f64.npy", "big-endian.npy"] {
            let (read, report) = try EmbeddingReader.load(fixture(name))
            XCTAssertEqual(read, table, name)
            XCTAssertEqual(report.fileFormat, name.hasSuffix(".npy") ? .numpy : .safetensors, name)
        }
        for name in ["small-f16.npy", "small-f16.safetensors"] {
            XCTAssertEqual(try EmbeddingReader.load(fixture(name)).0, halved(table), name)
        }
    }

    func testRoundTripsThroughEveryFormat() throws {
        let table = try source()
        for format in [TableFileFormat.numpy, .safetensors] {
            let path = out("t.\(format.rawValue)")
            try TableFile.write(table, to: path, format: format)
            XCTAssertTrue(try EmbeddingReader.load(path).0.matrix.isBitIdentical(to: table.matrix), "\(format)")
            XCTAssertEqual(try EmbeddingReader.load(path).0.vocabulary, table.vocabulary, "\(format)")
            // float16 → float32 → float16 is exact.
            try TableFile.write(table, to: path, format: format, precision: .float16)
            let half = try EmbeddingReader.load(path).0
            XCTAssertEqual(half, halved(table), "\(format)")
            try TableFile.write(half, to: out("again.\(format.rawValue)"), format: format, precision: .float16)
            XCTAssertEqual(try bytes(out("again.\(format.rawValue)")), try bytes(path))
        }
        // Detected by content when the name says nothing.
        try TableFile.write(table, to: out("noext"), format: .safetensors)
        XCTAssertEqual(try EmbeddingReader.load(out("noext")).1.fileFormat, .safetensors)
        try TableFile.write(table, to: out("matrix"), format: .numpy)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out("matrix.vocab.txt")))
        XCTAssertEqual(try EmbeddingReader.load(out("matrix")).0, table)
    }

    func testReadOptionsApply() throws {
        let (table, report) = try EmbeddingReader.load(fixture("small.npy"), options: ReadOptions(limit: 2))
        XCTAssertEqual(table.count, 2)
        XCTAssertTrue(report.stoppedAtLimit)
        let lower = try EmbeddingReader.load(fixture("small.safetensors"), options: ReadOptions(lowercase: true)).0
        XCTAssertEqual(lower.vocabulary[2], "café")
    }

    func testHalfPrecisionReportsReconstructionCosine() throws {
        var table = EmbeddingTable(dimensions: 3)
        table.append("a", [1, 2, 3])
        table.append("zero", [0, 0, 0])
        table.append("b", [0.1, -1e-7, 3.3333])
        table.append("huge", [70_000, 1, 1])
        let report = try XCTUnwrap(TableFile.write(table, to: out("h.npy"), format: .numpy, precision: .float16))
        XCTAssertEqual(report.skippedRows, 2)  // the zero row and the row that overflows
        XCTAssertEqual(report.overflowedValues, 1)
        XCTAssertGreaterThan(report.minimumCosine, 0.99999)
        XCTAssertLessThanOrEqual(report.minimumCosine, report.meanCosine)
        XCTAssertEqual(PrecisionReport.measure(halved(table).prefix(3).matrix).minimumCosine, 1, accuracy: 1e-12)
    }

    func testNamesSuggestFormats() {
        XCTAssertTrue(TableFileFormat.inferred(fromName: "a/b.vec.gz") == (.word2vecText, true))
        XCTAssertTrue(TableFileFormat.inferred(fromName: "b.TXT") == (.word2vecText, false))
        XCTAssertTrue(TableFileFormat.inferred(fromName: "b.bin") == (.word2vecBinary, false))
        XCTAssertTrue(TableFileFormat.inferred(fromName: "b.npy") == (.numpy, false))
        XCTAssertTrue(TableFileFormat.inferred(fromName: "b.safetensors") == (.safetensors, false))
        XCTAssertTrue(TableFileFormat.inferred(fromName: "vectors") == (nil, false))
    }
}
