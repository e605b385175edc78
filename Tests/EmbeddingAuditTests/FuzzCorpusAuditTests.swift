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
    static func corpus(_ target: String, filePath: String = #filePath) throws -> [String] {
        let directory = URL(fileURLWithPath: filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Corpus/fuzz/\(target)")
        return try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { !$0.hasPrefix(".") }.sorted().map { directory.appendingPathComponent($0).path }
    }

    func replay(_ target: String, format: EmbeddingFormat?) throws {
        let files = try Self.corpus(target)
        XCTAssertFalse(files.isEmpty, "no corpus for \(target)")
        var options = AuditOptions()
        options.read = ReadOptions(format: format, threads: 1)
        for path in files {
            do {
                let report = try Auditor.audit(path, options: options)
                XCTAssertTrue(report.norms.minimum.isFinite && report.norms.maximum.isFinite, path)
            } catch is EmbeddingFileError {} catch {
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
}
