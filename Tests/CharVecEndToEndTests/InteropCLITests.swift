import EmbeddingCore
import EmbeddingIO
import Foundation
import TestSupport
import XCTest

/// `convert` to and from .npy and safetensors, `select` and `neighbors --vector`, through the binary.
final class InteropCLITests: XCTestCase {
    var directory: URL!
    var sample: String { Fixtures.bundledData.appendingPathComponent("en-2k-384d.vec.gz").path }
    var small: String { Fixtures.packageRoot.appendingPathComponent("Tests/Corpus/formats/small.vec").path }

    override func setUpWithError() throws { directory = try Fixtures.temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
    func run(_ arguments: [String], stdin: Data? = nil) throws -> CLIResult { try CLIRunner.run(arguments, stdin: stdin) }

    func testConvertInfersTheFormatFromTheNameAndWarnsOnConflicts() throws {
        let original = try EmbeddingReader.load(small).0
        for (name, format) in [("a.npy", TableFileFormat.numpy), ("a.safetensors", .safetensors), ("a.bin", .word2vecBinary),
                               ("a.txt", .word2vecText), ("a.vec.gz", .word2vecText)] {
            let result = try run(["convert", small, path(name)])
            XCTAssertEqual(result.status, 0, result.stderr)
            XCTAssertFalse(result.stderr.contains("warning"), result.stderr)
            let (table, report) = try EmbeddingReader.load(path(name))
            XCTAssertEqual(table, original, name)
            XCTAssertEqual(report.fileFormat, format, name)
            XCTAssertEqual(report.isGzip, name.hasSuffix(".gz"), name)
        }
        let conflict = try run(["convert", small, path("b.vec"), "--to", "binary", "--no-gzip"])
        XCTAssertEqual(conflict.status, 0, conflict.stderr)
        XCTAssertTrue(conflict.stderr.contains("b.vec: warning: writing binary (--to) although the name suggests text"), conflict.stderr)
        XCTAssertEqual(try EmbeddingReader.load(path("b.vec")).1.fileFormat, .word2vecBinary)
        let gz = try run(["convert", small, path("c.vec.gz"), "--no-gzip"])
        XCTAssertTrue(gz.stderr.contains("warning: not compressing (--no-gzip) although the name ends in .gz"), gz.stderr)
        let refused = try run(["convert", small, path("d.npy"), "--gzip"])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("npy output cannot be gzipped"), refused.stderr)
        for command in ["audit", "sanitize"] {
            let streamed = try run([command, path("a.npy")] + (command == "sanitize" ? [path("s.vec")] : []))
            XCTAssertEqual(streamed.status, 2, command)
            XCTAssertTrue(streamed.stderr.contains("a.npy:byte 0: error: this is a NumPy .npy + vocabulary list file; \(command) reads word2vec and GloVe files"),
                          streamed.stderr)
        }
        let f16text = try run(["convert", small, path("e.vec"), "--precision", "f16"])
        XCTAssertNotEqual(f16text.status, 0)
        XCTAssertTrue(f16text.stderr.contains("--precision f16 applies to npy and safetensors output"), f16text.stderr)
    }

    func testHalfPrecisionPrintsReconstructionCosine() throws {
        let result = try run(["convert", sample, path("s.safetensors"), "--precision", "f16"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("wrote 2000 × 384 as safetensors, float16 to"), result.stderr)
        XCTAssertTrue(result.stderr.contains("float16 reconstruction cosine: mean 0.99999"), result.stderr)
        let info = try run(["info", path("s.safetensors"), "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(info.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(object["format"] as? String, "safetensors")
        XCTAssertEqual(object["count"] as? Int, 2000)
    }

    func testMalformedArrayFilesArePositioned() throws {
        try Data(Array(try Data(contentsOf: URL(fileURLWithPath: Fixtures.packageRoot.appendingPathComponent("Tests/Corpus/formats/small.npy").path)).dropLast(3)))
            .write(to: URL(fileURLWithPath: path("cut.npy")))
        try Data("a\nb\nc\nd\ne\nf\n".utf8).write(to: URL(fileURLWithPath: path("cut.vocab.txt")))
        let result = try run(["info", path("cut.npy")])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("cut.npy:byte 221: error: file ends inside the data: 96 bytes expected, 93 present"), result.stderr)
        XCTAssertTrue(result.stderr.contains("note: "), result.stderr)
    }

    func testSelectKeepsTheListOrderAndReportsMissingWords() throws {
        try Data("queen\n king \n\nzzzz\nqueen\nof\n".utf8).write(to: URL(fileURLWithPath: path("list.txt")))
        let result = try run(["select", sample, "--words", path("list.txt"), "--out", path("sub.npy")])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("list.txt: warning: 1 of 5 words not in"), result.stderr)
        XCTAssertTrue(result.stderr.contains("'zzzz'"), result.stderr)
        let (subset, _) = try EmbeddingReader.load(path("sub.npy"))
        let full = try EmbeddingReader.load(sample).0
        XCTAssertEqual(subset.vocabulary.words, ["queen", "king", "of"])
        for word in subset.vocabulary.words { XCTAssertEqual(subset.vector(for: word), full.vector(for: word)) }

        try Data("zzzz\nyyyy\n".utf8).write(to: URL(fileURLWithPath: path("none.txt")))
        let none = try run(["select", sample, "--words", path("none.txt"), "--out", path("none.vec")])
        XCTAssertEqual(none.status, 1)
        XCTAssertTrue(none.stderr.contains("error: none of the 2 listed words is in"), none.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("none.vec")))

        let top = try run(["select", sample, "--top", "5", "--out", "-", "--to", "text"])
        XCTAssertEqual(top.status, 0, top.stderr)
        XCTAssertEqual(top.stdout.split(separator: "\n").map { $0.split(separator: " ")[0] }, ["5", "of", "and", "in", "to", "was"])
        XCTAssertNotEqual(try run(["select", sample, "--out", path("x.vec")]).status, 0)
    }

    func testNeighborsOfVectorsFromStandardInput() throws {
        let table = try EmbeddingReader.load(sample).0
        let king = table.vector(for: "king")!.map { "\($0)" }
        let input = king.joined(separator: " ") + "\n\n[" + king.joined(separator: ", ") + "]\n1 2 oops\n1 2 3\n"
        let result = try run(["neighbors", sample, "--vector", "--top", "2"], stdin: Data(input.utf8))
        XCTAssertEqual(result.status, 0, result.stderr)
        let expected = "<stdin>:1\n   1  king   1.0000\n   2  queen  0.6273\n<stdin>:3\n   1  king   1.0000\n   2  queen  0.6273\n"
        XCTAssertEqual(result.stdout, expected)
        XCTAssertTrue(result.stderr.contains("<stdin>:4:5: error: expected a number, found 'oops'"), result.stderr)
        XCTAssertTrue(result.stderr.contains("<stdin>:5:1: error: the vector has 3 values, the table has 384 dimensions"), result.stderr)
        let failed = try run(["neighbors", sample, "--vector"], stdin: Data("1 2\n".utf8))
        XCTAssertEqual(failed.status, 1)
        XCTAssertNotEqual(try run(["neighbors", sample, "--vector", "king"]).status, 0)
    }
}

extension InteropCLITests {
    func testFastTextModelsThroughInfoConvertNeighborsAndEmbed() throws {
        let model = Fixtures.packageRoot.appendingPathComponent("Tests/Corpus/formats/tiny.bin").path
        let info = try run(["info", model])
        XCTAssertEqual(info.status, 0, info.stderr)
        XCTAssertTrue(info.stdout.contains("format:      fastText model"), info.stdout)
        XCTAssertTrue(info.stdout.contains("model:       skipgram, character n-grams of 2–4 in 500 buckets"), info.stdout)

        let converted = try run(["convert", model, path("tiny.vec")])
        XCTAssertEqual(converted.status, 0, converted.stderr)
        let expected = try JSONSerialization.jsonObject(with: Data(contentsOf: Fixtures.packageRoot
            .appendingPathComponent("Tests/Corpus/formats/tiny.vectors.json"))) as! [String: Any]
        let words = expected["words"] as! [String: [Double]], oov = expected["oov"] as! [String: [Double]]
        let table = try EmbeddingReader.load(path("tiny.vec")).0
        XCTAssertEqual(table.vocabulary.words, expected["order"] as! [String])
        for (word, vector) in words {
            XCTAssertTrue(zip(table.vector(for: word)!, vector).allSatisfy { abs(Double($0) - $1) <= 1e-6 }, word)
        }

        // Out-of-vocabulary queries get vectors from the model's n-grams, as fastText's `nn` does.
        let neighbors = try run(["neighbors", model, "kingdoms", "--top", "2"])
        XCTAssertEqual(neighbors.status, 0, neighbors.stderr)
        XCTAssertTrue(neighbors.stdout.hasPrefix("kingdoms  (predicted by the model: kingdoms)\n   1  </s>      0.9690\n   2  mountain  0.7526\n"),
                      neighbors.stdout)

        let embedded = try run(["embed", model, "kingdoms", "--to", "json"])
        XCTAssertEqual(embedded.status, 0, embedded.stderr)
        let object = try JSONSerialization.jsonObject(with: Data(embedded.stdout.utf8)) as! [String: Any]
        XCTAssertTrue(zip(object["vector"] as! [Double], oov["kingdoms"]!).allSatisfy { abs($0 - $1) <= 1e-6 })

        let quantized = try run(["info", Fixtures.packageRoot.appendingPathComponent("Tests/Corpus/formats/tiny.ftz").path])
        XCTAssertEqual(quantized.status, 1)
        XCTAssertTrue(quantized.stderr.contains("tiny.ftz:byte 823: error: quantized fastText models (.ftz) are not supported"), quantized.stderr)
    }
}
