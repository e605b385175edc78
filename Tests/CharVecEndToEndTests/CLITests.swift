import EmbeddingIO
import Foundation
import TestSupport
import XCTest

/// Runs the built `charvec` binary (``CLIRunner``) and checks stdout, stderr and the exit status.
final class CLITests: XCTestCase {
    @discardableResult
    func run(_ arguments: [String], stdin: Data? = nil) throws -> CLIResult { try CLIRunner.run(arguments, stdin: stdin) }

    var sample: String { Fixtures.bundledData.appendingPathComponent("en-2k-384d.vec.gz").path }
    var planted: String { Fixtures.bundledData.appendingPathComponent("planted-defects.vec").path }

    func testInfoDescribesTheSample() throws {
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: CLIRunner.executable.path), "build the charvec product first")
        let result = try run(["info", sample, "--json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(object["count"] as? Int, 2000)
        XCTAssertEqual(object["dimensions"] as? Int, 384)
        XCTAssertEqual(object["format"] as? String, "text")
        XCTAssertEqual(object["gzip"] as? Bool, true)
        XCTAssertEqual((object["first_words"] as? [String])?.first, "of")
    }

    func testConvertThroughStandardInputAndOutputIsBitExact() throws {
        let gz = try Data(contentsOf: URL(fileURLWithPath: sample))
        let binary = try run(["convert", "-", "-", "--to", "binary"], stdin: gz)
        XCTAssertEqual(binary.status, 0, binary.stderr)
        let back = try run(["convert", "-", "-", "--to", "text"], stdin: binary.stdoutData)
        XCTAssertEqual(back.status, 0, back.stderr)
        let directory = try Fixtures.temporaryDirectory()
        let path = try Fixtures.write(Array(back.stdout.utf8), named: "back.vec", in: directory)
        let (original, _) = try EmbeddingReader.load(sample)
        let (roundTripped, _) = try EmbeddingReader.load(path)
        XCTAssertEqual(original.vocabulary, roundTripped.vocabulary)
        XCTAssertTrue(original.matrix.isBitIdentical(to: roundTripped.matrix))
    }

    func testErrorsArePositionedWithAHint() throws {
        let directory = try Fixtures.temporaryDirectory()
        let path = try Fixtures.write("2 3\nok 1 2 3\nbad 1 2\n", named: "bad.vec", in: directory)
        let result = try run(["info", path])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stderr.split(separator: "\n").first.map(String.init),
                       "\(path):3:1: error: row 'bad' has 2 values, expected 3")
        XCTAssertTrue(result.stderr.contains("note: "), result.stderr)
    }

    func testAuditExitStatusesAndSanitizeRepairs() throws {
        let clean = try run(["audit", sample])
        XCTAssertEqual(clean.status, 0, clean.stdout)
        XCTAssertTrue(clean.stdout.contains("clean"), clean.stdout)
        let dirty = try run(["audit", planted, "--json"])
        XCTAssertEqual(dirty.status, 1)
        let object = try JSONSerialization.jsonObject(with: Data(dirty.stdout.utf8)) as! [String: Any]
        let counts = object["counts"] as! [String: Int]
        XCTAssertEqual(counts["zero_row"], 1)
        XCTAssertEqual(counts["non_finite"], 2)
        XCTAssertEqual(counts["duplicate_word"], 1)
        let missing = try run(["audit", "/nonexistent/file.vec"])
        XCTAssertEqual(missing.status, 2)
        let directory = try Fixtures.temporaryDirectory()
        let repaired = directory.appendingPathComponent("repaired.vec").path
        let log = directory.appendingPathComponent("log.tsv").path
        let sanitize = try run(["sanitize", planted, repaired, "--log", log])
        XCTAssertEqual(sanitize.status, 0, sanitize.stderr)
        let logLines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(logLines.count, 5) // header + zero + NaN + Inf + duplicate
        XCTAssertEqual(try run(["audit", repaired, "--fail-on", "warning"]).status, 0)
    }

    func testHelpListsEverySubcommand() throws {
        let help = try run(["--help"])
        for command in ["info", "convert", "audit", "sanitize"] {
            XCTAssertTrue(help.stdout.contains(command), "missing \(command) in --help")
        }
    }
}
