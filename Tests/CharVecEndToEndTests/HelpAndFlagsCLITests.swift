import Foundation
import TestSupport
import XCTest

/// Help text, unknown help topics, flag names shared across commands, and counted nouns.
final class HelpAndFlagsCLITests: XCTestCase {
    static let commands = ["info", "convert", "select", "audit", "sanitize", "train", "embed", "extend", "neighbors", "analogy", "eval",
                           "index", "demo"]

    func testExamplesAreNotWrappedMidCommand() throws {
        for command in Self.commands {
            let help = try CLIRunner.run([command, "--help"]).stdout
            var inExamples = false
            for line in help.split(separator: "\n", omittingEmptySubsequences: false) {
                if line.hasPrefix("Example") { inExamples = true; continue }
                if line.hasPrefix("USAGE") || line.isEmpty { inExamples = false; continue }
                if inExamples {
                    XCTAssertTrue(line.hasPrefix("  charvec ") || line.hasPrefix("  gzip ") || line.hasPrefix("  echo "), "\(command): wrapped example line '\(line)'")
                }
            }
        }
    }

    func testHelpForAnUnknownCommandFails() throws {
        let result = try CLIRunner.run(["help", "nosuch"])
        XCTAssertEqual(result.status, 64)
        XCTAssertEqual(result.stderr.split(separator: "\n").first.map(String.init),
                       "Error: unknown subcommand 'nosuch'; 'charvec --help' lists them.")
        XCTAssertEqual(try CLIRunner.run(["help", "audit"]).status, 0)
    }

    func testDelimiterHelpShowsNoRawTab() throws {
        let help = try CLIRunner.run(["eval", "--help"]).stdout
        XCTAssertFalse(help.contains("\t"), help)
        XCTAssertTrue(help.contains("--delimiter <character>"), help)
        XCTAssertTrue(help.contains("(default: tab)"), help)
    }

    func testCountedNounsAgree() throws {
        let directory = try Fixtures.temporaryDirectory()
        let table = try Fixtures.write("1 2\na 1 2\n", named: "one.vec", in: directory)
        let audit = try CLIRunner.run(["audit", table])
        XCTAssertTrue(audit.stdout.hasPrefix("audit of \(table): word2vec text, 1 row × 2 (header says 1 × 2)\n"), audit.stdout)
        let sanitize = try CLIRunner.run(["sanitize", table, directory.appendingPathComponent("o.vec").path])
        XCTAssertTrue(sanitize.stderr.hasPrefix("read 1 row, wrote 1 × 2"), sanitize.stderr)
        // A mean policy with no good row to average says so.
        let zeros = try Fixtures.write("1 2\nz 0 0\n", named: "zeros.vec", in: directory)
        let mean = try CLIRunner.run(["sanitize", zeros, directory.appendingPathComponent("m.vec").path, "--zero-rows", "mean"])
        XCTAssertTrue(mean.stderr.contains("all values are 0; replaced with zeros (no good row to average)"), mean.stderr)
    }

    func testEmbedTakesTheSharedFlagNames() throws {
        let help = try CLIRunner.run(["embed", "--help"]).stdout
        XCTAssertTrue(help.contains("--json"), help)
        XCTAssertTrue(help.contains("--out <out>"), help)
        let clash = try CLIRunner.run(["embed", "m.cvm", "w", "--json", "--to", "binary"])
        XCTAssertEqual(clash.status, 64)
        XCTAssertEqual(try CLIRunner.run(["sanitize", "--help"]).stdout.contains("--threads <threads>"), true)
    }
}
