import EmbeddingIO
import Foundation
import TestSupport
import XCTest

/// Crashes and silent data loss found by trying the CLI as a hostile user: each must now be a
/// clean refusal with a message (exit 64 for a bad option, 1 for a bad file), never a signal.
final class RobustnessCLITests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws { directory = try Fixtures.temporaryDirectory() }

    func run(_ arguments: [String], stdin: String? = nil) throws -> CLIResult {
        try CLIRunner.run(arguments, stdin: stdin.map { Data($0.utf8) })
    }

    func write(_ text: String, _ name: String) throws -> String { try Fixtures.write(text, named: name, in: directory) }

    /// The first line of stderr (ArgumentParser prints usage after a validation error).
    func firstLine(_ result: CLIResult) -> String { result.stderr.split(separator: "\n").first.map(String.init) ?? "" }

    func testThreadsAreValidatedTheSameWayInEveryCommand() throws {
        let table = try write("1 2\na 1 2\n", "t.vec")
        let commands: [[String]] = [["embed", "model.cvm", "word"], ["info", table], ["audit", table], ["neighbors", table, "a"],
                                    ["analogy", table, "a", "b", "c"], ["eval", table, "--pairs", "p.tsv"],
                                    ["index", table, "--out", "x.hnsw"], ["extend", table, "m.cvm", "w.txt", "--out", "o.vec"],
                                    ["convert", table, "o.vec"], ["sanitize", table, "o.vec"]]
        for command in commands {
            for value in ["0", "1000", "-1"] {
                let result = try run(command + ["--threads=\(value)"])
                XCTAssertEqual(result.status, 64, "\(command) --threads \(value): \(result.stderr)")
                XCTAssertEqual(firstLine(result), "Error: --threads must be 1…64 (got \(value)).", "\(command)")
            }
        }
    }

    func testInfoShowNegativeIsRefusedAndZeroShowsNoWords() throws {
        let table = try write("2 2\na 1 2\nb 3 4\n", "t.vec")
        let negative = try run(["info", table, "--show=-1"])
        XCTAssertEqual(negative.status, 64)
        XCTAssertEqual(firstLine(negative), "Error: --show must be ≥ 0 (got -1).")
        let zero = try run(["info", table, "--show", "0"])
        XCTAssertEqual(zero.status, 0, zero.stderr)
        XCTAssertTrue(zero.stdout.contains("first words: \n"), zero.stdout)
        let huge = try run(["info", table, "--show", "\(Int.max)"])
        XCTAssertEqual(huge.status, 0, huge.stderr)
        XCTAssertTrue(huge.stdout.contains("first words: a b\n"), huge.stdout)
    }

    func testHugeTopAndEfSearchAreClampedNotAllocated() throws {
        let table = try write("4 2\na 1 2\nb 3 4\nc 5 1\nd 2 2\n", "t.vec")
        let neighbors = try run(["neighbors", table, "a", "--top", "\(Int.max)"])
        XCTAssertEqual(neighbors.status, 0, neighbors.stderr)
        XCTAssertEqual(neighbors.stdout.split(separator: "\n").count, 4, neighbors.stdout) // the query and its 3 neighbours
        let analogy = try run(["analogy", table, "a", "b", "c", "--top", "\(Int.max)"])
        XCTAssertEqual(analogy.status, 0, analogy.stderr)
        XCTAssertEqual(analogy.stdout.split(separator: "\n").count, 2, analogy.stdout) // the question and 'd'
        XCTAssertTrue(analogy.stdout.split(separator: "\n").last?.hasPrefix("   1  d  ") == true, analogy.stdout)
        let ef = try run(["neighbors", table, "a", "--ef-search", "2000000"])
        XCTAssertEqual(ef.status, 64)
        XCTAssertEqual(firstLine(ef), "Error: --ef-search must be 1…1000000 (got 2000000).")
    }

    func testSanitizeNeverWritesInPlace() throws {
        let text = "2 3\nab 1 2 3\ncd 4 5 6\n"
        let table = try write(text, "t.vec")
        for output in [table, directory.appendingPathComponent("./t.vec").path] {
            let result = try run(["sanitize", table, output])
            XCTAssertEqual(result.status, 64)
            XCTAssertEqual(firstLine(result), "Error: OUT '\(output)' is the input file: sanitize never writes in place; choose another path.")
        }
        let link = directory.appendingPathComponent("link.vec").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: table)
        XCTAssertEqual(try run(["sanitize", table, link]).status, 64)
        XCTAssertEqual(try String(contentsOfFile: table, encoding: .utf8), text)
    }

    func testSanitizeOfAMalformedHeaderLosesNothing() throws {
        for header in ["2.0 3", "-3 4", "+2 3", "2 3 4"] {
            let text = header + "\nab 1 2 3\ncd 4 5 6\n"
            let table = try write(text, "h.vec")
            // Readers refuse it with the inferred dimension…
            let info = try run(["info", table])
            XCTAssertEqual(info.status, 1, header)
            XCTAssertEqual(firstLine(info), "\(table):1:1: error: the first line '\(header)' is not a valid header: "
                           + "expected two non-negative integers 'count dim'")
            // …and sanitize repairs the header, keeping every row.
            let out = directory.appendingPathComponent("out.vec").path
            let result = try run(["sanitize", table, out])
            XCTAssertEqual(result.status, 0, result.stderr)
            XCTAssertTrue(result.stderr.contains("\(table):1:1: header-fixed: malformed header '\(header)' replaced: the rows have 3 values; "
                                                 + "the output header says 2 3"), result.stderr)
            XCTAssertEqual(try String(contentsOfFile: out, encoding: .utf8), "2 3\nab 1.0 2.0 3.0\ncd 4.0 5.0 6.0\n", header)
            XCTAssertEqual(try String(contentsOfFile: table, encoding: .utf8), text, "the input is never touched")
        }
    }

    func testSanitizeRefusesToDropMostRowsUnlessForced() throws {
        let table = try write("3 5\nab 1 2 3 4\ncd 4 5 6 7\nef 1 1 1 1\n", "t.vec")
        let out = directory.appendingPathComponent("out.vec").path
        let refused = try run(["sanitize", table, out])
        XCTAssertEqual(refused.status, 1)
        XCTAssertEqual(refused.stderr, """
            \(table): error: the repaired copy would keep only 0 of 3 rows (5 values each; row 1 dropped: 4 values, expected 5); nothing was written
            note: check the header and the format ('charvec audit' shows what the rows hold, --format forces one); --force writes the copy anyway

            """)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
        let forced = try run(["sanitize", table, out, "--force"])
        XCTAssertEqual(forced.status, 0, forced.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out))
    }

    func testSanitizeOfGloVeWithACutFirstRowKeepsTheGoodRows() throws {
        let table = try write("ab 1 2\ncd 4 5 6\nef 1 2 3\ngh 3 3 3\n", "g.txt")
        let out = directory.appendingPathComponent("out.txt").path
        let result = try run(["sanitize", table, out])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("\(table):1:1: dropped 'ab': 2 values, expected 3"), result.stderr)
        XCTAssertEqual(try String(contentsOfFile: out, encoding: .utf8), "cd 4.0 5.0 6.0\nef 1.0 2.0 3.0\ngh 3.0 3.0 3.0\n")
    }

    func testConvertRefusesABinaryHeaderWithTheWrongDimension() throws {
        var bytes = Array("3 3\n".utf8)
        for row in 0 ..< 3 {
            bytes += Array("w\(row) ".utf8)
            for k in 0 ..< 4 { withUnsafeBytes(of: Float(row * 4 + k).bitPattern.littleEndian) { bytes += $0 } }
            bytes.append(0x0A)
        }
        let table = try Fixtures.write(bytes, named: "t.bin", in: directory)
        let out = directory.appendingPathComponent("out.vec").path
        let result = try run(["convert", table, out, "--limit", "2"])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stderr, """
            \(table):1:1: error: the header says 3 values per row, but the binary rows hold 4 (16 bytes after each word)
            note: the header's dimension is wrong: write it as 'COUNT 4' (the rows are consistent with 4 values)

            """)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
    }
}

/// Words from a user's file are printed escaped and cut (items: ANSI escapes, NUL, megabyte words).
final class WordDisplayCLITests: XCTestCase {
    func testControlCharactersAreEscapedAndLongWordsCut() throws {
        let directory = try Fixtures.temporaryDirectory()
        let long = String(repeating: "x", count: 1_000_000)
        let text = "3 2\nred\u{1B}[31m 1 2\nnul\u{0}byte 3 4\n\(long) 5 6\n"
        let table = try Fixtures.write(text, named: "t.vec", in: directory)
        let info = try CLIRunner.run(["info", table])
        XCTAssertEqual(info.status, 0, info.stderr)
        let expected = "first words: red\\u{1B}[31m nul\\0byte " + String(repeating: "x", count: 64) + "… (1000000 bytes)\n"
        XCTAssertTrue(info.stdout.contains(expected), String(info.stdout.prefix(2000)))
        XCTAssertFalse(info.stdoutData.contains(0x1B))
        XCTAssertFalse(info.stdoutData.contains(0x00))
        let audit = try CLIRunner.run(["audit", table])
        XCTAssertEqual(audit.status, 1)
        XCTAssertTrue(audit.stdout.contains("row 1 'red\\u{1B}[31m': contains control byte 0x1B"), audit.stdout)
        XCTAssertTrue(audit.stdout.contains("row 2 'nul\\0byte': contains control byte 0x0"), audit.stdout)
        XCTAssertFalse(audit.stdoutData.contains(0x1B))
        XCTAssertLessThan(audit.stdoutData.count, 20_000)
        let neighbors = try CLIRunner.run(["neighbors", table, "red\u{1B}[31m"])
        XCTAssertEqual(neighbors.status, 0, neighbors.stderr)
        XCTAssertTrue(neighbors.stdout.hasPrefix("red\\u{1B}[31m\n"), neighbors.stdout)
        XCTAssertFalse(neighbors.stdoutData.contains(0x1B))
        XCTAssertLessThan(neighbors.stdoutData.count, 1_000)
    }

    func testStderrDiagnosticsEscapeTheWordTheyQuote() throws {
        let directory = try Fixtures.temporaryDirectory()
        let table = try Fixtures.write("2 2\nok 1 2\nbad\u{1B}[2J 1\n", named: "t.vec", in: directory)
        let info = try CLIRunner.run(["info", table])
        XCTAssertEqual(info.status, 1)
        XCTAssertEqual(info.stderr.split(separator: "\n").first.map(String.init), "\(table):3:1: error: row 'bad\\u{1B}[2J' has 1 value, expected 2")
    }

    func testBidirectionalOverridesAreEscapedAndEmojiJoinersKept() throws {
        let directory = try Fixtures.temporaryDirectory()
        let table = try Fixtures.write("2 1\nab\u{202E}cd 1\n👩\u{200D}💻 2\n", named: "t.vec", in: directory)
        let info = try CLIRunner.run(["info", table])
        XCTAssertEqual(info.status, 0, info.stderr)
        XCTAssertTrue(info.stdout.contains("first words: ab\\u{202E}cd 👩\u{200D}💻\n"), info.stdout)
    }
}
