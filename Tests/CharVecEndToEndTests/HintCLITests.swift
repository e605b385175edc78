import EmbeddingIO
import Foundation
import TestSupport
import XCTest

/// Messages and hints that used to be wrong, circular or missing.
final class HintCLITests: XCTestCase {
    var directory: URL!
    var sample: String { Fixtures.bundledData.appendingPathComponent("en-2k-384d.vec.gz").path }

    override func setUpWithError() throws { directory = try Fixtures.temporaryDirectory() }

    func firstLine(_ text: String) -> String { text.split(separator: "\n").first.map(String.init) ?? "" }

    func testDirectoriesAndMissingFilesAreNamedPlainly() throws {
        let folder = directory.path
        let table = try Fixtures.write("2 2\na 1 2\nb 3 4\n", named: "t.vec", in: directory)
        for arguments in [["embed", folder, "w"], ["neighbors", table, "a", "--model", folder], ["neighbors", table, "a", "--index", folder],
                          ["eval", table, "--pairs", folder]] {
            let result = try CLIRunner.run(arguments)
            XCTAssertEqual(result.status, 1, "\(arguments)")
            XCTAssertEqual(firstLine(result.stderr), "\(folder): error: cannot read: is a directory", "\(arguments)")
        }
        // The word list of 'extend' is blamed, not the output, and before the table is loaded.
        let missing = directory.appendingPathComponent("words.txt").path
        let extend = try CLIRunner.run(["extend", table, folder, missing, "--out", directory.appendingPathComponent("o.vec").path])
        XCTAssertEqual(extend.status, 1)
        XCTAssertEqual(firstLine(extend.stderr), "\(missing): error: cannot read: no such file")
    }

    func testAByteOrderMarkOnStandardInputIsNotPartOfTheFirstWord() throws {
        let result = try CLIRunner.run(["neighbors", sample, "--top", "1"], stdin: Data("\u{FEFF}king\n".utf8))
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.hasPrefix("king\n"), result.stdout)
        // The same for the vectors of 'neighbors --vector' and the word list of 'embed'.
        let table = try EmbeddingReader.load(sample).0
        let king = table.vector(for: "king")!.map { "\($0)" }.joined(separator: " ")
        let vector = try CLIRunner.run(["neighbors", sample, "--vector", "--top", "1"], stdin: Data("\u{FEFF}\(king)\n".utf8))
        XCTAssertEqual(vector.status, 0, vector.stderr)
        XCTAssertEqual(vector.stdout, "<stdin>:1\n   1  king  1.0000\n")
        let model = Fixtures.packageRoot.appendingPathComponent("Tests/Corpus/formats/tiny.bin").path
        let embedded = try CLIRunner.run(["embed", model], stdin: Data("\u{FEFF}king\n\u{FEFF}queen\n".utf8))
        XCTAssertEqual(embedded.status, 0, embedded.stderr)
        let words = embedded.stdout.split(separator: "\n").dropFirst().map { Array($0.utf8.prefix { $0 != 0x20 }) }
        XCTAssertEqual(words, [Array("king".utf8), Array("\u{FEFF}queen".utf8)], "only the mark opening the input is dropped")
    }

    func testEfSearchWithoutAnIndexIsRefused() throws {
        let result = try CLIRunner.run(["neighbors", sample, "king", "--ef-search", "64"])
        XCTAssertEqual(result.status, 64)
        XCTAssertEqual(firstLine(result.stderr),
                       "Error: --ef-search applies to approximate searches only: add --index INDEX, or drop --ef-search.")
    }

    func testAnalogyJSONReportsUnknownWords() throws {
        let result = try CLIRunner.run(["analogy", sample, "man", "kingzz", "woman", "--json"])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stdout, "{\"a\":\"man\",\"b\":\"kingzz\",\"c\":\"woman\",\"error\":\"unknown word\",\"method\":\"3CosAdd\",\"unknown\":[\"kingzz\"]}\n")
        XCTAssertEqual(firstLine(result.stderr), "charvec: error: unknown word 'kingzz'")
    }

    func testAuditPlotIntoAMissingDirectoryIsAUsageErrorNotAFinding() throws {
        let plot = directory.appendingPathComponent("no/such/dir/norms.svg").path
        let result = try CLIRunner.run(["audit", sample, "--plot", plot])
        XCTAssertEqual(result.status, 64)
        XCTAssertEqual(firstLine(result.stderr), "Error: --plot: the directory '\(directory.appendingPathComponent("no/such/dir").path)' does not exist.")
    }

    func testUTF16AndFastTextModelsAreNamed() throws {
        let utf16 = try Fixtures.write([0xFF, 0xFE] + Array("1 1\na 1\n".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }),
                                       named: "u16.vec", in: directory)
        let info = try CLIRunner.run(["info", utf16])
        XCTAssertEqual(info.status, 1)
        XCTAssertEqual(info.stderr, """
            \(utf16): error: the file looks like UTF-16 text; embedding files are read as UTF-8
            note: convert it first, e.g. 'iconv -f UTF-16 -t UTF-8 FILE > FILE.utf8.vec'

            """)
        let fastText = try Fixtures.write([0xBA, 0x16, 0x4F, 0x2F, 12, 0, 0, 0] + [UInt8](repeating: 0, count: 64), named: "model.bin", in: directory)
        let audit = try CLIRunner.run(["audit", fastText])
        XCTAssertEqual(audit.status, 2)
        XCTAssertEqual(firstLine(audit.stderr), "\(fastText):byte 0: error: this is a fastText model file; audit reads word2vec and GloVe files")
    }

    func testAHeaderOfZeroRowsDoesNotSuggestLimitZero() throws {
        let table = try Fixtures.write("0 2\na 1 2\n", named: "zero.vec", in: directory)
        let result = try CLIRunner.run(["info", table])
        XCTAssertEqual(result.status, 1)
        XCTAssertFalse(result.stderr.contains("--limit 0"), result.stderr)
        XCTAssertTrue(result.stderr.contains("note: the header says the file is empty; 'charvec sanitize' writes a copy with the true count"), result.stderr)
    }
}
