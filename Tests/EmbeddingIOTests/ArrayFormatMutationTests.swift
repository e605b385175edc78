import EmbeddingCore
import EmbeddingIO
import Foundation
import TestSupport
import XCTest

/// Every prefix of each array and model fixture, and every single-byte change of its header,
/// loads or throws a typed error: no trap, no unbounded allocation (a deterministic companion of
/// the `array` fuzz target, tools/fuzz/Sources/FuzzArray).
final class ArrayFormatMutationTests: XCTestCase {
    func check(_ fixture: String, headerBytes: Int, prefixStride: Int = 1, file: StaticString = #filePath, line: UInt = #line) throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let corpus = ArrayFormatRoundTripTests.corpus
        let original = Array(try Data(contentsOf: corpus.appendingPathComponent(fixture)))
        let name = "m" + fixture[fixture.lastIndex(of: ".")!...]
        try Data(contentsOf: corpus.appendingPathComponent("small.vocab.txt"))
            .write(to: directory.appendingPathComponent("m.vocab.txt"))
        func attempt(_ bytes: [UInt8], _ what: String, bothOptionSets: Bool = true) throws {
            let path = try Fixtures.write(bytes, named: name, in: directory)
            let optionSets = [ReadOptions(threads: 1), ReadOptions(limit: 2, lowercase: true, unicodeErrors: .replace, threads: 1)]
            for options in optionSets.prefix(bothOptionSets ? 2 : 1) {
                do { _ = try EmbeddingReader.load(path, options: options) }
                catch is TensorFileError {} catch is EmbeddingFileError {} catch {
                    XCTFail("\(fixture), \(what): untyped error \(error)", file: file, line: line)
                }
            }
        }
        // Every prefix through the header, then every `prefixStride`-th.
        for length in 0 ..< original.count where length <= headerBytes || length % prefixStride == 0 || length == original.count - 1 {
            try attempt(Array(original.prefix(length)), "first \(length) bytes", bothOptionSets: false)
        }
        for index in 0 ..< min(headerBytes, original.count) {
            for value: UInt8 in [0x00, 0xFF, original[index] ^ 0x01, UInt8(ascii: "9"), UInt8(ascii: "\"")] where value != original[index] {
                var changed = original
                changed[index] = value
                try attempt(changed, "byte \(index) = 0x\(String(value, radix: 16))")
            }
        }
    }

    func testNumPyMutations() throws {
        try check("small.npy", headerBytes: 128)
        try check("small-f16.npy", headerBytes: 128)
    }

    func testSafeTensorsMutations() throws {
        try check("small.safetensors", headerBytes: 176)
        try check("ascii-vocab.safetensors", headerBytes: 192)
    }
}

extension ArrayFormatMutationTests {
    func testFastTextMutations() throws {
        // Arguments, the dictionary header and the first entries; prefixes through the matrices.
        try check("tiny-supervised.bin", headerBytes: 160, prefixStride: 97)
    }
}
