import EmbeddingCore
@testable import EmbeddingIO
import Foundation
import TestSupport
import XCTest

/// fastText models trained by the `fasttext` package (tools/formats/make_fasttext_fixture.py):
/// every word vector, in and out of the vocabulary, equals fastText's own `get_word_vector`.
final class FastTextModelTests: XCTestCase {
    func fixture(_ name: String) -> String { ArrayFormatRoundTripTests.corpus.appendingPathComponent(name).path }

    struct Expected: Decodable {
        var words: [String: [Double]]
        var oov: [String: [Double]]
        var order: [String]
    }

    func expected(_ name: String) throws -> Expected {
        try JSONDecoder().decode(Expected.self, from: Data(contentsOf: URL(fileURLWithPath: fixture(name))))
    }

    func assertVectors(_ actual: [Float], _ expected: [Double], _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.count, expected.count, what, file: file, line: line)
        let worst = zip(actual, expected).map { abs(Double($0) - $1) }.max() ?? 0
        XCTAssertLessThanOrEqual(worst, 1e-6, "\(what): largest difference \(worst)", file: file, line: line)
    }

    func testHashSignExtendsBytesLikeFastText() {
        XCTAssertEqual(FastTextModel.hash(Array("".utf8)), 2_166_136_261)
        XCTAssertEqual(FastTextModel.hash(Array("ab".utf8)), 1_294_271_946)
        // Textbook FNV-1a gives 1990897939 for "<é"; fastText's int8 cast gives 672036627.
        XCTAssertEqual(FastTextModel.hash(Array("<é".utf8)), 672_036_627)
    }

    func testEveryWordAndOOVVectorMatchesFastText() throws {
        for (model, json) in [("tiny.bin", "tiny.vectors.json"), ("tiny-supervised.bin", "tiny-supervised.vectors.json")] {
            let expected = try expected(json)
            let fastText = try FastTextModel(path: fixture(model))
            XCTAssertEqual(fastText.vocabulary.words, expected.order, model)
            let (table, report) = try EmbeddingReader.load(fixture(model))
            XCTAssertEqual(report.fileFormat, .fastText)
            XCTAssertEqual(table.vocabulary.words, expected.order, model)
            XCTAssertEqual(table.dimensions, 8)
            for (row, word) in expected.order.enumerated() {
                assertVectors(table.matrix.row(row), expected.words[word]!, "\(model) '\(word)' (table)")
                assertVectors(fastText.wordVector(word), expected.words[word]!, "\(model) '\(word)'")
            }
            for (word, vector) in expected.oov { assertVectors(fastText.wordVector(word), vector, "\(model) OOV '\(word)'") }
        }
        let skipgram = try FastTextModel(path: fixture("tiny.bin"))
        XCTAssertEqual(skipgram.arguments.modelName, "skipgram")
        XCTAssertEqual([skipgram.arguments.minimumNgramLength, skipgram.arguments.maximumNgramLength, skipgram.arguments.buckets], [2, 4, 500])
        XCTAssertEqual(try FastTextModel(path: fixture("tiny-supervised.bin")).labelCount, 2)
        XCTAssertEqual(try EmbeddingReader.load(fixture("tiny.bin"), options: ReadOptions(limit: 3)).0.count, 3)
    }

    /// The table is computed in blocks whose mapped pages are given back; vectors read after
    /// that (from pages mapped again) and with any block size are the same bits.
    func testBlocksAndReleasedPagesGiveTheSameVectors() throws {
        for model in ["tiny.bin", "tiny-supervised.bin"] {
            let fastText = try FastTextModel(path: fixture(model))
            let rows = fastText.wordCount
            let whole = fastText.wordVectors(rows: rows)
            for block in [1, 3, 7, rows] {
                XCTAssertEqual(fastText.wordVectors(rows: rows, blockRows: block), whole, "\(model), blocks of \(block)")
            }
            fastText.releaseAllPages()
            for row in 0 ..< rows {
                let word = fastText.vocabulary[row]
                XCTAssertEqual(fastText.wordVector(word).map(\.bitPattern), whole.row(row).map(\.bitPattern), "\(model) '\(word)'")
            }
            let limited = fastText.wordVectors(rows: 5, blockRows: 2)
            XCTAssertEqual(limited.rows, 5)
            for row in 0 ..< 5 { XCTAssertEqual(limited.row(row), whole.row(row), "\(model) row \(row) of 5") }
        }
    }

    func testQuantizedModelsAndDamageAreReportedWithOffsets() throws {
        XCTAssertThrowsError(try EmbeddingReader.load(fixture("tiny.ftz"))) { error in
            guard case .unsupportedModel(let location, let reason)? = error as? TensorFileError else { return XCTFail("\(error)") }
            XCTAssertNotNil(location.byteOffset)
            XCTAssertTrue(reason.contains("quantized"), reason)
        }
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: fixture("tiny.bin"))))
        let cut = try Fixtures.write(Array(bytes.dropLast(10)), named: "cut.bin", in: directory)
        XCTAssertThrowsError(try EmbeddingReader.load(cut)) { error in
            guard case .truncatedData(let location, _, _)? = error as? TensorFileError else { return XCTFail("\(error)") }
            XCTAssertEqual(location.byteOffset, bytes.count - 10)
        }
        var version = bytes
        version[4] = 13
        let newer = try Fixtures.write(version, named: "v13.bin", in: directory)
        XCTAssertThrowsError(try EmbeddingReader.load(newer)) { error in
            XCTAssertEqual(error as? TensorFileError, .unsupportedVersion(SourceLocation(path: newer, byteOffset: 4),
                                                                          format: "fastText model", found: "13", supported: "11, 12"))
        }
    }
}
