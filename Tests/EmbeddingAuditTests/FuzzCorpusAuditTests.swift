import EmbeddingAudit
import EmbeddingCore
import EmbeddingIO
import Foundation
import TestSupport
import XCTest

/// The text and binary fuzz targets also audit every input (`charvec audit` is meant for broken
/// files): replays their regression corpus (Tests/Corpus/fuzz, see docs/fuzzing.md) through
/// the auditor, which may only throw ``EmbeddingFileError``.
final class FuzzCorpusAuditTests: XCTestCase {
    func replay(_ target: String, format: EmbeddingFormat?) throws {
        let files = try Fixtures.fuzzCorpus(target)
        XCTAssertFalse(files.isEmpty, "no corpus for \(target)")
        var options = AuditOptions()
        options.read = ReadOptions(format: format, threads: 1)
        for path in files {
            do {
                let report = try Auditor.audit(path, options: options)
                XCTAssertTrue(report.norms.minimum.isFinite && report.norms.maximum.isFinite, path)
            } catch is EmbeddingFileError {} catch is TensorFileError {} catch {
                XCTFail("\(path): not an EmbeddingFileError: \(error)")
            }
        }
    }

    func testTextCorpus() throws { try replay("text", format: nil) }
    func testBinaryCorpus() throws { try replay("binary", format: .word2vecBinary) }

    /// Was a trap ("Double value cannot be converted to Int because it is either infinite or
    /// NaN"): finite values above ~1.8e19 overflowed the Float sum of squares, and the norm
    /// histogram then divided ∞ by ∞.
    func testHugeFiniteValuesGiveFiniteNorms() throws {
        let directory = try Fixtures.temporaryDirectory("charvec-audit-fuzz")
        let path = try Fixtures.write("3 2\na 3e38 3e38\nb 1e20 1e20\nc 1 1\n", named: "huge.vec", in: directory)
        let report = try Auditor.audit(path)
        XCTAssertEqual(report.norms.count, 3)
        XCTAssertEqual(report.norms.maximum, Double(Float.greatestFiniteMagnitude))
        XCTAssertEqual(report.norms.percentiles.first { $0.0 == 50 }!.1, Double(Float(sqrt(2.0) * 1e20)), accuracy: 1e14)
        XCTAssertEqual(report.norms.histogram.reduce(0, +), 3)
    }

    /// A header claiming 10⁵ values per row over 2-byte rows: each row is one finding, and the
    /// audit takes time in proportion to the bytes (it used to ask for 80 GB, then to fill the
    /// missing values of every row).
    func testShortRowsUnderAWideHeaderAreAuditedQuickly() throws {
        let directory = try Fixtures.temporaryDirectory("charvec-audit-fuzz")
        let rows = 100_000
        let path = try Fixtures.write("\(rows) 100000\n" + String(repeating: "a\n", count: rows), named: "short.vec", in: directory)
        // A plain file this size cannot hold the header: loaders refuse it before any row; the
        // audit reads what is there (and reserves only what the file size can hold).
        XCTAssertThrowsError(try EmbeddingReader.load(path))
        let plain = try Auditor.audit(path)
        XCTAssertEqual(plain.rows, rows)
        XCTAssertEqual(plain.count(.wrongDimension), rows)
        // Gzipped, nothing bounds the header.
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/sh")
        gzip.arguments = ["-c", "gzip -n -f '\(path)'"]
        try gzip.run()
        gzip.waitUntilExit()
        let start = Date()
        let report = try Auditor.audit(path + ".gz")
        XCTAssertEqual(report.rows, rows)
        XCTAssertEqual(report.count(.wrongDimension), rows)
        XCTAssertLessThan(Date().timeIntervalSince(start), 20)
    }
}
