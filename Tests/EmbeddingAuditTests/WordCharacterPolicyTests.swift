import EmbeddingAudit
import EmbeddingCore
import EmbeddingIO
import Foundation
import TestSupport
import XCTest

/// The auditor and the sanitizer share one rule for characters a word may not hold: whatever the
/// audit flags, the sanitizer repairs, and its output audits clean.
final class WordCharacterPolicyTests: XCTestCase {
    func testPolicy() {
        XCTAssertEqual(WordCharacterPolicy.repaired("a\u{200B}b\u{FEFF}c\u{202E}d\u{AD}e"), "a_b_c_d_e")
        XCTAssertEqual(WordCharacterPolicy.repaired("a\u{A0}b\tc\u{1B}d\u{85}e"), "a_b_c_d_e")
        XCTAssertEqual(WordCharacterPolicy.repaired("👩\u{200D}💻"), "👩\u{200D}💻", "emoji joiners stay")
        XCTAssertEqual(WordCharacterPolicy.repaired("café"), "café")
    }

    func testSanitizedCopyOfInvisibleCharactersAuditsClean() throws {
        let directory = try Fixtures.temporaryDirectory("charvec-word-policy")
        let input = try Fixtures.write("3 2\nzero\u{200B}width 1 2\nbom\u{FEFF}x 3 4\nplain 5 6\n", named: "in.vec", in: directory)
        let before = try Auditor.audit(input)
        XCTAssertEqual(before.groups[.whitespaceInWord]?.examples.map(\.detail),
                       ["contains U+200B (ZERO WIDTH SPACE)", "contains U+FEFF (ZERO WIDTH NO-BREAK SPACE)"])
        let result = try Sanitizer.sanitize(input)
        XCTAssertEqual(result.table.vocabulary.words, ["zero_width", "bom_x", "plain"])
        XCTAssertEqual(result.changes.map(\.reason), [
            "whitespace, control or invisible format characters replaced with '_': 'zero_width'",
            "whitespace, control or invisible format characters replaced with '_': 'bom_x'",
        ])
        let output = directory.appendingPathComponent("out.vec").path
        try EmbeddingWriter.write(result.table, to: output, format: .word2vecText)
        XCTAssertEqual(try Auditor.audit(output).worstSeverity, nil)
    }
}
