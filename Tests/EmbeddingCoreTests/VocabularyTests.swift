import EmbeddingCore
import XCTest

/// The word index: first occurrence wins, bytes are compared exactly, growth keeps every word.
final class VocabularyTests: XCTestCase {
    func testIndexFindsTheFirstOccurrenceAndRecordsDuplicates() {
        var v = Vocabulary(["the", "of", "the", "and"])
        XCTAssertEqual(v.count, 4)
        XCTAssertEqual(v.index(of: "the"), 0)
        XCTAssertEqual(v.index(of: "and"), 3)
        XCTAssertNil(v.index(of: "missing"))
        XCTAssertEqual(v.duplicates.map(\.row), [2])
        XCTAssertEqual(v.duplicates.map(\.firstRow), [0])
        XCTAssertEqual(v.append("new"), 4)
        XCTAssertTrue(v.contains("new"))
        XCTAssertEqual(v.words, ["the", "of", "the", "and", "new"])
    }

    func testBytesAreComparedExactly() {
        // NFC and NFD spellings of "café" are different words to the index (the auditor reports them).
        let nfc = "caf\u{E9}", nfd = "cafe\u{301}"
        let v = Vocabulary([nfc, "Cafe", ""])
        XCTAssertEqual(v.index(of: nfc), 0)
        XCTAssertNil(v.index(of: nfd), "an NFD spelling is not the NFC row")
        XCTAssertNil(v.index(of: "cafe"))
        XCTAssertEqual(v.index(of: ""), 2, "the empty word is a word")
        let invalid: [UInt8] = [0x66, 0xFF]
        var w = v
        let row = invalid.withUnsafeBytes { w.append(bytes: $0) }
        XCTAssertFalse(w.isValidUTF8(at: row))
        XCTAssertEqual(invalid.withUnsafeBytes { w.index(ofBytes: $0) }, row)
        XCTAssertEqual(w[row], "f\u{FFFD}")
    }

    func testIndexSurvivesGrowthToManyWords() {
        var v = Vocabulary()
        v.reserveCapacity(words: 10)
        for i in 0 ..< 50_000 { v.append("w\(i)") }
        XCTAssertEqual(v.count, 50_000)
        for i in stride(from: 0, to: 50_000, by: 997) { XCTAssertEqual(v.index(of: "w\(i)"), i) }
        XCTAssertNil(v.index(of: "w50000"))
        XCTAssertTrue(v.duplicates.isEmpty)
    }
}
