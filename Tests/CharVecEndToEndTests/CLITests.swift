import EmbeddingIO
import Foundation
import TestSupport
import XCTest

/// Runs the built `charvec` binary and checks stdout, stderr and the exit status.
final class CLITests: XCTestCase {
    struct Result {
        var status: Int32; var stdout: String; var stderr: String; var stdoutData: Data
        /// The process died of a signal (`status` is then the signal number).
        var signaled = false
    }

    /// The `charvec` executable next to the test bundle.
    static var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("charvec")
    }

    @discardableResult
    func run(_ arguments: [String], stdin: Data? = nil) throws -> Result { try Self.run(arguments, stdin: stdin) }

    /// Runs `charvec arguments…` (in `directory` when given), feeding `stdin`, and returns status, stdout and stderr.
    /// `environment` overrides variables of this process's environment; a nil value removes one.
    @discardableResult
    static func run(_ arguments: [String], stdin: Data? = nil, in directory: URL? = nil,
                    environment: [String: String?] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = arguments
        if !environment.isEmpty {
            var merged = ProcessInfo.processInfo.environment
            for (name, value) in environment { merged[name] = value }
            process.environment = merged
        }
        if let directory { process.currentDirectoryURL = directory }
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try input.fileHandleForWriting.close()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self), stdoutData: outData,
                      signaled: process.terminationReason == .uncaughtSignal)
    }

    var sample: String { Fixtures.bundledData.appendingPathComponent("en-2k-384d.vec.gz").path }
    var planted: String { Fixtures.bundledData.appendingPathComponent("planted-defects.vec").path }

    func testInfoDescribesTheSample() throws {
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: Self.executable.path), "build the charvec product first")
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
