import EmbeddingAudit
import EmbeddingCore
import EmbeddingIO
import Foundation
import TestSupport
import XCTest

/// Files the audit must describe rather than refuse, and collisions invisible when printed.
final class AuditEdgeCaseTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws { directory = try Fixtures.temporaryDirectory("charvec-audit-edge") }

    func audit(_ text: String) throws -> AuditReport {
        try Auditor.audit(try Fixtures.write(text, named: "t.vec", in: directory))
    }

    func testAFileCutRightAfterItsHeaderIsAuditedNotRefused() throws {
        // The header promises more rows than the 4 bytes after it can hold: loaders refuse it,
        // the audit reports what is there.
        let empty = try audit("5 3\n")
        XCTAssertEqual(empty.rows, 0)
        XCTAssertEqual(empty.header?.count, 5)
        XCTAssertEqual(empty.groups[.headerCountMismatch]?.examples.map(\.detail), ["the header says 5 rows, the file has 0"])
        let one = try audit("5 3\nab 1 2 3\n")
        XCTAssertEqual(one.rows, 1)
        XCTAssertEqual(one.groups[.headerCountMismatch]?.examples.map(\.detail), ["the header says 5 rows, the file has 1"])
        // The sanitizer keeps the row and fixes the header.
        let result = try Sanitizer.sanitize(try Fixtures.write("5 3\nab 1 2 3\n", named: "s.vec", in: directory))
        XCTAssertEqual(result.table.count, 1)
        XCTAssertEqual(result.changes.map(\.action), [.headerFixed])
    }

    func testTabSeparatedFieldsAreAnInformationalNote() throws {
        let path = try Fixtures.write("3 2\na 1 2\nb\t3\t4\nc\t5 6\n", named: "tabs.vec", in: directory)
        let report = try Auditor.audit(path)
        XCTAssertEqual(report.rows, 3)
        XCTAssertEqual(report.tabSeparatedRows, 2)
        XCTAssertEqual(report.firstTabSeparatedLine, 3)
        XCTAssertEqual(report.notes, ["fields separated by tabs (accepted): 2 rows, first at \(path):3"])
        XCTAssertNil(report.worstSeverity, "a note, not a finding")
        XCTAssertEqual(AuditJSON.object(report, exitStatus: 0)["notes"] as? [String], report.notes)
        XCTAssertEqual(try audit("2 2\na 1 2\nb 3 4\n").notes, [])
    }

    func testNFCAndNFDSpellingsOfOneWordAreACollision() throws {
        let nfc = "caf\u{E9}", nfd = "cafe\u{301}"
        XCTAssertEqual(nfc, nfd, "Swift compares strings canonically; the bytes differ")
        let report = try audit("2 2\n\(nfc) 1 2\n\(nfd) 3 4\n")
        XCTAssertEqual(report.count(.duplicateWord), 0)
        XCTAssertEqual(report.count(.normalizationCollision), 1)
        let finding = try XCTUnwrap(report.groups[.normalizationCollision]?.examples.first)
        XCTAssertEqual(finding.row, 1)
        XCTAssertEqual(finding.location, SourceLocation(path: finding.location.path, line: 3))
        XCTAssertEqual(finding.detail, "'\(nfd)' (NFD) and '\(nfc)' (NFC, row 1) are one word in two Unicode forms; both fold to '\(nfc)'")
        // Order reversed: the NFD spelling first.
        let reversed = try audit("2 2\n\(nfd) 1 2\n\(nfc) 3 4\n")
        XCTAssertEqual(reversed.groups[.normalizationCollision]?.examples.map(\.row), [1])
        // Case collisions keep their wording.
        let cased = try audit("2 2\nApple 1 2\napple 3 4\n")
        XCTAssertEqual(cased.groups[.normalizationCollision]?.examples.map(\.detail), ["'apple' and 'Apple' (row 1) both fold to 'apple'"])
    }

    func testADuplicatedWordDoesNotShareAVectorWithItself() throws {
        let report = try audit("4 2\ngood 1 2\ngood 1 2\nother 5 6\ntwin 5 6\n")
        XCTAssertEqual(report.count(.duplicateWord), 1)
        XCTAssertEqual(report.sharedVectorGroups.map { $0.map(\.word) }, [["other", "twin"]])
        // A duplicated word and one other word sharing its vector: a group of two distinct words.
        let mixed = try audit("3 2\ngood 1 2\ngood 1 2\nbest 1 2\n")
        XCTAssertEqual(mixed.sharedVectorGroups.map { $0.map(\.word) }, [["good", "best"]])
        XCTAssertEqual(mixed.groups[.sharedVector]?.examples.map(\.detail), ["2 words share one vector: good, best"])
    }

    func testJSONSaysHowRowsAreNumbered() throws {
        let report = try audit("1 2\nzero 0 0\n")
        let object = AuditJSON.object(report, exitStatus: 1)
        XCTAssertEqual(object["row_numbering"] as? String, "0-based, header excluded (the text report counts from 1)")
    }
}
