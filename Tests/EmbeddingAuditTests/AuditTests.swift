import EmbeddingAudit
import EmbeddingCore
import EmbeddingIO
import Foundation
import TestSupport
import XCTest

/// A defect file with one (or more) rows of every kind; the audit must find each at its line.
final class AuditTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws { directory = try Fixtures.temporaryDirectory("charvec-audit") }

    /// Lines (1-based, header = line 1) of the planted defects.
    static let defectText: [String] = [
        "14 3",                 // 1 header lies: 14 rows promised, 15 present
        "good 0.1 0.2 0.3",     // 2
        "zero 0 0 -0",          // 3 all-zero
        "nan 1 nan 2",          // 4 NaN at dim 1
        "inf 1 2 -inf",         // 5 -Inf at dim 2
        "tiny 1e-9 0 0",        // 6 near-zero norm
        "good 9 9 9",           // 7 duplicate of line 2
        "Apple 0.5 0.1 0.2",    // 8
        "apple 0.4 0.1 0.2",    // 9 folds like line 8
        "short 1 2",            // 10 wrong length
        "bad 1 x 3",            // 11 non-numeric at column 7
        "a\u{00A0}b 1 1 2",     // 12 NBSP in the word
        " 3 2 1",               // 13 empty word
        "twin1 7 8 9",          // 14 shared vector ×3
        "twin2 7 8 9",          // 15
        "twin3 7 8 9",          // 16
    ]

    func writeDefects() throws -> String {
        var bytes = Array(Self.defectText.joined(separator: "\n").utf8) + [0x0A]
        bytes += Array("caf".utf8) + [0xE9] + Array(" 3 1 2\n".utf8) // line 17: invalid UTF-8
        return try Fixtures.write(bytes, named: "defects.vec", in: directory)
    }

    func lines(_ report: AuditReport, _ kind: FindingKind) -> [Int] {
        report.groups[kind]?.examples.compactMap(\.location.line) ?? []
    }

    func testEveryDefectIsFoundAtItsLine() throws {
        let path = try writeDefects()
        var options = AuditOptions()
        options.nearZeroNorm = 1e-6
        let report = try Auditor.audit(path, options: options)
        XCTAssertEqual(report.rows, 16)
        XCTAssertEqual(lines(report, .zeroRow), [3])
        XCTAssertEqual(lines(report, .nonFinite), [4, 5])
        XCTAssertEqual(report.groups[.nonFinite]?.examples.map(\.detail),
                       ["NaN at dim 1 (0-based)", "-Inf at dim 2 (0-based)"])
        XCTAssertEqual(lines(report, .nearZeroNorm), [6])
        XCTAssertEqual(lines(report, .duplicateWord), [7])
        XCTAssertEqual(report.groups[.duplicateWord]?.examples.first?.detail, "first seen at row 1")
        XCTAssertEqual(lines(report, .normalizationCollision), [9])
        XCTAssertEqual(lines(report, .wrongDimension), [10])
        XCTAssertEqual(report.groups[.nonNumeric]?.examples.first?.location, SourceLocation(path: path, line: 11, column: 7))
        XCTAssertEqual(lines(report, .whitespaceInWord), [12])
        XCTAssertEqual(lines(report, .emptyWord), [13])
        XCTAssertEqual(lines(report, .invalidUTF8), [17])
        XCTAssertEqual(report.groups[.invalidUTF8]?.examples.first?.location.description, "\(path):17:4")
        XCTAssertEqual(report.count(.sharedVector), 1)
        XCTAssertEqual(report.sharedVectorGroups.first?.map(\.word), ["twin1", "twin2", "twin3"])
        XCTAssertEqual(report.count(.headerCountMismatch), 1)
        XCTAssertEqual(report.worstSeverity, .error)
        // Statistics cover finite rows of the right length only.
        XCTAssertEqual(report.norms.count, 12) // the zero row counts (norm 0)
        let json = AuditJSON.render(report, exitStatus: 1)
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
        XCTAssertEqual(object["schema"] as? String, "charvec-audit/1")
        XCTAssertEqual((object["counts"] as! [String: Int])["zero_row"], 1)
    }

    func testCleanTableAndCasefoldLigature() throws {
        let path = try Fixtures.write("3 2\nfine 1 0\n\u{FB01}ne 0 1\nother 1 1\n", named: "lig.vec", in: directory)
        let report = try Auditor.audit(path)
        XCTAssertEqual(lines(report, .normalizationCollision), [3]) // "ﬁne" is NFKC "fine"
        XCTAssertEqual(report.worstSeverity, .info)
        let clean = try Auditor.audit(Fixtures.bundledData.appendingPathComponent("en-2k-384d.vec.gz").path)
        XCTAssertNil(clean.worstSeverity, "\(clean.orderedGroups.map(\.kind))")
        XCTAssertEqual(clean.rows, 2000)
        XCTAssertEqual(clean.norms.count, 2000)
        XCTAssertGreaterThan(clean.norms.minimum, 0)
    }

    func testBinaryFindingsUseByteOffsets() throws {
        func row(_ word: String, _ values: [Float]) -> [UInt8] {
            var bytes = Array(word.utf8) + [0x20]
            for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
            return bytes + [0x0A]
        }
        let bytes = Array("3 2\n".utf8) + row("a", [1, 2]) + row("b", [0, 0]) + row("c", [.nan, 1])
        let path = try Fixtures.write(bytes, named: "d.bin", in: directory)
        let report = try Auditor.audit(path)
        XCTAssertEqual(report.groups[.zeroRow]?.examples.first?.location.byteOffset, 4 + 11)
        XCTAssertEqual(report.groups[.nonFinite]?.examples.first?.location.byteOffset, 4 + 22)
    }

    /// The origin failures: a pretrained table with all-zero rows, and NaN hidden in the data.
    func testSeedFailuresAreReported() throws {
        guard let shared = Fixtures.sharedData else { throw XCTSkip(Fixtures.sharedDataMissing) }
        let zero = try Auditor.audit(shared.appendingPathComponent("defects/zero-row.vec").path)
        XCTAssertEqual(lines(zero, .zeroRow), [4])
        let nan = try Auditor.audit(shared.appendingPathComponent("defects/nan-inf.bin").path)
        XCTAssertEqual(nan.count(.nonFinite), 2)
        XCTAssertEqual(nan.groups[.nonFinite]?.examples.map(\.row), [1, 3])
        let truncated = try Auditor.audit(shared.appendingPathComponent("defects/truncated.bin").path)
        XCTAssertEqual(truncated.rows, 3)
        XCTAssertEqual(truncated.count(.unreadableRest), 1)
    }

    func testSanitizedCopyAuditsCleanAndKeepsGoodRowsBitExact() throws {
        let path = try writeDefects()
        let (original, _) = try loadTolerantly(path)
        let result = try Sanitizer.sanitize(path)
        let out = directory.appendingPathComponent("clean.vec").path
        try EmbeddingWriter.write(result.table, to: out, format: .word2vecText)
        var options = AuditOptions()
        options.nearZeroNorm = 1e-12
        let report = try Auditor.audit(out, options: options)
        // What remains: the three twins share a vector and Apple/apple fold together (no policy asked).
        XCTAssertEqual(Set(report.orderedGroups.map(\.kind)), [.sharedVector, .normalizationCollision])
        let counts = result.counts
        XCTAssertEqual(counts[.dropped], 6) // zero, nan, inf, short, non-numeric, empty
        XCTAssertEqual(counts[.merged], 1)
        XCTAssertEqual(counts[.renamed], 2) // NBSP → '_', invalid UTF-8 → U+FFFD
        XCTAssertEqual(counts[.headerFixed], 1)
        XCTAssertEqual(result.table.vocabulary.words,
                       ["good", "tiny", "Apple", "apple", "a_b", "twin1", "twin2", "twin3", "caf\u{FFFD}"])
        for (i, word) in result.table.vocabulary.words.enumerated() {
            guard let source = original[word == "a_b" ? "a\u{00A0}b" : word] else { continue }
            XCTAssertEqual(result.table.matrix.row(i).map(\.bitPattern), source.map(\.bitPattern), word)
        }
        // Policies: keep everything, average duplicates, lowercase merge, normalise.
        var policy = SanitizePolicy()
        policy.zeroRows = .mean
        policy.nonFiniteRows = .keep
        policy.duplicates = .mean
        let kept = try Sanitizer.sanitize(path, policy: policy)
        XCTAssertEqual(kept.table.vocabulary.index(of: "zero").map { kept.table.matrix.row($0).allSatisfy { $0 != 0 } }, true)
        XCTAssertEqual(kept.table.vector(for: "good"), [4.55, 4.6, 4.65])
        XCTAssertTrue(kept.table.vector(for: "nan")![1].isNaN)
        policy = SanitizePolicy()
        policy.lowercase = .first
        policy.normalize = true
        let folded = try Sanitizer.sanitize(path, policy: policy)
        XCTAssertEqual(folded.table.vector(for: "apple").map { $0.reduce(0) { $0 + $1 * $1 } }.map { abs($0 - 1) < 1e-6 }, true)
        XCTAssertFalse(folded.table.vocabulary.contains("Apple"))
        XCTAssertEqual(folded.changes.filter { $0.action == .merged }.map(\.row), [5, 7]) // "good" again, "apple" (0-based rows)
    }

    /// Rows as read, by word (first occurrence), ignoring rows that do not parse.
    func loadTolerantly(_ path: String) throws -> ([String: [Float]], Int) {
        let reader = try EmbeddingRecordReader(path: path)
        var result: [String: [Float]] = [:]
        let scratch = ScratchBuffer()
        while try reader.readBatch(destination: { n in scratch.pointer(count: n * reader.dimensions) }, { batch in
            for i in 0 ..< batch.count where batch.rows[i].status == .ok {
                let word = batch.word(i)
                if result[word] == nil { result[word] = Array(batch.values(i)) }
            }
        }) {}
        return (result, result.count)
    }
}
