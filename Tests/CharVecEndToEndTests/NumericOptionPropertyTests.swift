import Foundation
import TestSupport
import XCTest

/// Every numeric option of every subcommand at 0, −1, a huge value and NaN: the CLI exits with a
/// status and a message, never dies of a signal. Out-of-range values are refused before any work
/// with exit 64 and a message naming the option.
///
/// `train` and `demo` are left out here: their options belong to the trainer and are checked by
/// its own tests.
final class NumericOptionPropertyTests: XCTestCase {
    /// One numeric option of one command: the values it accepts among the probes.
    struct Case {
        var command: [String]
        var option: String
        /// Probe values that are valid for this option (the command must then run without a signal).
        var accepts: Set<String> = []
    }

    static let zero = "0", negative = "-1", nan = "nan"
    /// Beyond any integer type's range: the argument parser itself refuses it.
    static let overflow = "99999999999999999999999999"
    /// In range but absurd: must be refused or handled (clamped), never trap or allocate.
    static let huge = String(Int.max)
    static let probes = [zero, negative, overflow, huge, nan]

    func testEveryNumericOptionFailsCleanlyOrRuns() throws {
        let directory = try Fixtures.temporaryDirectory()
        let table = try Fixtures.write("4 2\na 1 2\nb 3 4\nc 5 1\nd 2 2\n", named: "t.vec", in: directory)
        let pairs = try Fixtures.write("a\tb\t1\na\tc\t2\nb\td\t3\n", named: "p.tsv", in: directory)
        let words = try Fixtures.write("e\n", named: "w.txt", in: directory)
        let out = directory.appendingPathComponent("out").path
        let reader = ["--limit", "--threads"]
        var cases: [Case] = []
        func add(_ command: [String], _ options: [String], accepts: [String: Set<String>] = [:]) {
            for option in options { cases.append(Case(command: command, option: option, accepts: accepts[option] ?? [])) }
        }
        let hugeOnly: Set<String> = [Self.huge]
        add(["info", table], reader + ["--show"], accepts: ["--limit": hugeOnly, "--show": [Self.zero, Self.huge]])
        add(["convert", table, out + ".vec"], reader, accepts: ["--limit": hugeOnly])
        add(["audit", table], ["--threads", "--max-locations", "--min-shared-group", "--near-zero-norm"],
            accepts: ["--max-locations": [Self.zero, Self.huge], "--min-shared-group": hugeOnly, "--near-zero-norm": [Self.zero, Self.huge, Self.overflow]])
        add(["embed", "missing-model.cvm", "word"], ["--threads", "--subword-weight"], accepts: ["--subword-weight": [Self.zero]])
        add(["sanitize", table, out + "-s.vec"], ["--threads"])
        add(["extend", table, "missing-model.cvm", words, "--out", out + "-x.vec"], reader + ["--subword-weight"],
            accepts: ["--limit": hugeOnly, "--subword-weight": [Self.zero]])
        add(["neighbors", table, "a"], reader + ["--top", "--ef-search", "--subword-weight"], accepts: ["--limit": hugeOnly, "--top": hugeOnly])
        add(["analogy", table, "a", "b", "c"], reader + ["--top", "--restrict"],
            accepts: ["--limit": hugeOnly, "--top": hugeOnly, "--restrict": hugeOnly])
        add(["eval", table, "--pairs", pairs], reader + ["--restrict", "--subword-weight"], accepts: ["--limit": hugeOnly, "--restrict": hugeOnly])
        add(["index", table, "--out", out + ".hnsw"], reader + ["--m", "--ef-construction", "--seed"],
            accepts: ["--limit": hugeOnly, "--seed": [Self.zero, Self.huge]])

        var failures: [String] = []
        for testCase in cases {
            for value in Self.probes {
                let arguments = testCase.command + ["\(testCase.option)=\(value)"]
                let result = try CLIRunner.run(arguments)
                let label = "charvec \(arguments.joined(separator: " ")) → status \(result.status)"
                if result.signaled {
                    failures.append("\(label): killed by signal \(result.status)")
                    continue
                }
                if testCase.accepts.contains(value) {
                    // Valid: runs (audit exits 1 for findings; extend fails later on the missing model, with a message).
                    if result.status != 0 && result.stderr.isEmpty { failures.append("\(label): failed without a message") }
                    continue
                }
                if result.status != 64 { failures.append("\(label): expected exit 64\n\(result.stderr)") }
                if !result.stderr.contains(testCase.option) && !result.stderr.contains("Error:") {
                    failures.append("\(label): the message does not name \(testCase.option)\n\(result.stderr)")
                }
            }
        }
        XCTAssertTrue(failures.isEmpty, failures.joined(separator: "\n"))
        XCTAssertGreaterThan(cases.count, 20)
    }
}
