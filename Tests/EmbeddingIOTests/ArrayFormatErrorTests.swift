import EmbeddingCore
import EmbeddingIO
import Foundation
import TestSupport
import XCTest

/// Malformed .npy and safetensors files: each cause has its own error, with the byte offset in
/// the file (or the line of the vocabulary list) and a hint.
final class ArrayFormatErrorTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws { directory = try Fixtures.temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    func corpus(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: ArrayFormatRoundTripTests.corpus.appendingPathComponent(name)))
    }

    /// Writes `bytes` as NAME (and `vocabulary` as its word list, when given) and loads it.
    func load(_ bytes: [UInt8], named name: String = "t.npy", vocabulary: String? = "the\nof\ncafé\n東京\nnew_york\nsay\"hi\\\n") throws {
        let path = try Fixtures.write(bytes, named: name, in: directory)
        if let vocabulary { try Fixtures.write(vocabulary, named: "t.vocab.txt", in: directory) }
        _ = try EmbeddingReader.load(path)
    }

    func expect(_ body: @autoclosure () throws -> Any, file: StaticString = #filePath, line: UInt = #line,
                _ check: (TensorFileError) -> Void) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            guard let error = error as? TensorFileError else { return XCTFail("not a TensorFileError: \(error)", file: file, line: line) }
            XCTAssertNotNil(error.hint, file: file, line: line)
            XCTAssertTrue(error.description.contains(": error: "), error.description, file: file, line: line)
            check(error)
        }
    }

    func at(_ offset: Int, _ name: String = "t.npy") -> SourceLocation {
        SourceLocation(path: directory.appendingPathComponent(name).path, byteOffset: offset)
    }

    func testNumPyVocabularyMissingShortOrLong() throws {
        let npy = try corpus("small.npy")
        expect(try load(npy, vocabulary: nil)) { error in
            guard case .missingVocabulary(let path, _) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(path.hasSuffix("t.vocab.txt"))
        }
        let vocabulary = directory.appendingPathComponent("t.vocab.txt").path
        expect(try load(npy, vocabulary: "a\nb\n")) { error in
            XCTAssertEqual(error, .vocabularyCountMismatch(SourceLocation(path: vocabulary, line: 3), words: 2, rows: 6))
            XCTAssertTrue(error.description.hasSuffix("t.vocab.txt:3:1: error: the vocabulary has 2 words but the matrix has 6 rows"))
        }
        expect(try load(npy, vocabulary: "a\nb\nc\nd\ne\nf\ng")) { error in
            XCTAssertEqual(error, .vocabularyCountMismatch(SourceLocation(path: vocabulary, line: 7), words: 7, rows: 6))
        }
        expect(try load(npy, vocabulary: "a\nb\n\nd\ne\nf\n")) { error in
            XCTAssertEqual(error, .emptyWord(SourceLocation(path: vocabulary, line: 3)))
        }
    }

    func testNumPyInvalidUTF8WordIsPositioned() throws {
        let path = try Fixtures.write(try corpus("small.npy"), named: "t.npy", in: directory)
        try Fixtures.write(Array("a\nb\n".utf8) + [0xFF, 0x0A] + Array("d\ne\nf\n".utf8), named: "t.vocab.txt", in: directory)
        expect(try EmbeddingReader.load(path)) { error in
            guard case .invalidUTF8Word(let location, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(location.line, 3)
        }
        let (table, report) = try EmbeddingReader.load(path, options: ReadOptions(unicodeErrors: .replace))
        XCTAssertEqual(report.invalidUTF8Rows, [2])
        XCTAssertEqual(table.count, 6)
    }

    func testNumPyWrongDtypeFortranOrderAndShape() throws {
        let vocabulary = "a\nb\n"
        expect(try load(try corpus("int32.npy"), vocabulary: vocabulary)) { error in
            guard case .unsupportedDataType(let location, let found, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(found, "'<i4'")
            XCTAssertEqual(location, at(20))  // the value after 'descr':
        }
        expect(try load(try corpus("fortran.npy"), vocabulary: vocabulary)) { error in
            guard case .fortranOrder(let location) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(location, at(44))  // the value after 'fortran_order':
        }
        var oneDimensional = try corpus("small.npy")
        let header = String(decoding: oneDimensional[10 ..< 128], as: UTF8.self).replacingOccurrences(of: "(6, 4)", with: "(24,)  ")
        oneDimensional.replaceSubrange(10 ..< 128, with: Array(header.utf8))
        expect(try load(oneDimensional)) { error in
            XCTAssertEqual(error, .wrongShape(at(60), shape: [24]))
        }
    }

    func testNumPyShapesThatOverflowOrHaveNoColumns() throws {
        let npy = try corpus("small.npy")
        for (shape, expectHuge) in [("(2, 4611686018427387904)", true), ("(4611686018427387904, 4)", true), ("(6, 0)", false)] {
            var header = String(decoding: npy[10 ..< 128], as: UTF8.self).replacingOccurrences(of: "(6, 4)", with: shape)
            let extra = header.utf8.count - 118
            header = String(header.dropLast(extra + 1)) + "\n"
            expect(try load(Array(npy[..<10]) + Array(header.utf8) + Array(npy[128...]))) { error in
                if expectHuge {
                    guard case .truncatedData = error else { return XCTFail("\(shape): \(error)") }
                } else {
                    guard case .wrongShape(_, [6, 0]) = error else { return XCTFail("\(shape): \(error)") }
                }
            }
        }
    }

    func testNumPyTruncatedTrailingBadMagicVersionAndHeader() throws {
        let npy = try corpus("small.npy")
        expect(try load(Array(npy.dropLast(5)))) { error in
            XCTAssertEqual(error, .truncatedData(at(npy.count - 5), expectedBytes: 96, foundBytes: 91))
            XCTAssertTrue(error.description.contains("t.npy:byte 219: error: file ends inside the data"), error.description)
        }
        expect(try load(npy + [0, 0])) { error in XCTAssertEqual(error, .trailingBytes(at(npy.count), count: 2)) }
        expect(try load(Array(npy.prefix(40)))) { error in
            XCTAssertEqual(error, .truncatedData(at(40), expectedBytes: 118, foundBytes: 30))
        }
        expect(try load(Array("6 4\nthe 1 2 3 4\n".utf8))) { error in
            guard case .badMagic(let location, _, _, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(location, at(0))
        }
        var v9 = npy
        v9[6] = 9
        expect(try load(v9)) { error in
            XCTAssertEqual(error, .unsupportedVersion(at(6), format: "NPY", found: "9.0", supported: "1.0, 2.0, 3.0"))
        }
        var broken = npy
        broken[10] = UInt8(ascii: "[")
        expect(try load(broken)) { error in
            guard case .malformedHeader(let location, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(location, at(10))
        }
    }

    func testSafeTensorsMalformedFiles() throws {
        let good = try corpus("small.safetensors")
        let name = "t.safetensors"
        expect(try load(Array(good.dropLast(4)), named: name, vocabulary: nil)) { error in
            XCTAssertEqual(error, .truncatedData(at(good.count - 4, name), expectedBytes: 96, foundBytes: 92))
        }
        expect(try load(good + [1], named: name, vocabulary: nil)) { error in
            XCTAssertEqual(error, .trailingBytes(at(good.count, name), count: 1))
        }
        expect(try load(Array(good.prefix(5)), named: name, vocabulary: nil)) { error in
            XCTAssertEqual(error, .truncatedData(at(5, name), expectedBytes: 8, foundBytes: 5))
        }
        // A header length beyond the file.
        var long = good
        long[1] = 0x7F
        expect(try load(long, named: name, vocabulary: nil)) { error in
            guard case .truncatedData(let location, _, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(location, at(good.count, name))
        }
        // Broken JSON: the position of the offending byte.
        var json = good
        json[23] = UInt8(ascii: "}")  // the ':' after "__metadata__"
        expect(try load(json, named: name, vocabulary: nil)) { error in
            guard case .malformedHeader(let location, let reason) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(location, at(23, name), reason)
        }
        expect(try load(edited("\"vectors\":{\"dtype\":\"F32\",\"shape\":[6,4]", "\"vectorz\":{\"dtype\":\"F32\",\"shape\":[24]"),
                        named: name, vocabulary: nil)) { error in
            XCTAssertEqual(error, .missingTensor(at(8, name), names: ["vectorz"]))
        }
        // Another dtype, a vocabulary of the wrong length.
        func edited(_ from: String, _ to: String) -> [UInt8] {
            let header = String(decoding: good[8 ..< 176], as: UTF8.self).replacingOccurrences(of: from, with: to)
            let padded = header + String(repeating: " ", count: 168 - header.utf8.count)
            return Array(good[..<8]) + Array(padded.utf8) + Array(good[176...])
        }
        expect(try load(edited("\"F32\"", "\"I32\""), named: name, vocabulary: nil)) { error in
            guard case .unsupportedDataType(_, let found, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(found, "I32")
        }
        expect(try load(edited("\"shape\":[6,4]", "\"shape\":[24]"), named: name, vocabulary: nil)) { error in
            XCTAssertEqual(error, .wrongShape(at(110, name), shape: [24]))  // at the tensor's key
        }
        expect(try load(edited("\"shape\":[6,4]", "\"shape\":[4,6]"), named: name, vocabulary: nil)) { error in
            guard case .vocabularyCountMismatch(_, let words, let rows) = error else { return XCTFail("\(error)") }
            XCTAssertEqual([words, rows], [6, 4])
        }
        expect(try load(edited("[0,96]", "[0,90]"), named: name, vocabulary: nil)) { error in
            guard case .malformedHeader(let location, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(location, at(110, name))  // the tensor's key
        }
    }

    func testSafeTensorsWithoutVocabularyUsesTheListBesideIt() throws {
        let good = try corpus("small.safetensors")
        // Drop the metadata: {"vectors":…} padded to the same length.
        let header = String(decoding: good[8 ..< 176], as: UTF8.self)
        let tensor = header[header.range(of: "\"vectors\"")!.lowerBound...].trimmingCharacters(in: .whitespaces)
        let json = "{" + tensor + String(repeating: " ", count: 167 - tensor.utf8.count)
        let bytes = Array(good[..<8]) + Array(json.utf8) + Array(good[176...])
        expect(try load(bytes, named: "t.safetensors", vocabulary: nil)) { error in
            guard case .missingVocabulary = error else { return XCTFail("\(error)") }
        }
        try load(bytes, named: "t.safetensors")
    }
}
