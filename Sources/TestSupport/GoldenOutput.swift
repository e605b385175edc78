import Foundation
import XCTest

/// Golden-output checks for the command-line tool: the expected standard output and exit status
/// of a command, stored under `Tests/Corpus/golden/NAME.txt` as
///
/// ```
/// $ charvec ARGUMENTS…
/// exit STATUS
/// STDOUT…
/// ```
///
/// Commands run from the package root with relative paths, so the output names files the same
/// way on every machine; the package root's absolute path, if printed, becomes `<root>`.
/// Values that vary from run to run (timings) are replaced through `masks`.
///
/// To rewrite the golden files after an intended change of output, run the tests with
/// `CHARVEC_UPDATE_GOLDEN=1` in the environment (e.g.
/// `CHARVEC_UPDATE_GOLDEN=1 swift test --filter GoldenOutputTests`), then review `git diff`.
public enum GoldenOutput {
    /// Where the golden files live.
    public static var directory: URL { Fixtures.packageRoot.appendingPathComponent("Tests/Corpus/golden") }

    /// Whether this run rewrites the golden files instead of comparing (`CHARVEC_UPDATE_GOLDEN=1`).
    public static var updating: Bool { ProcessInfo.processInfo.environment["CHARVEC_UPDATE_GOLDEN"] == "1" }

    /// A replacement for output that legitimately varies: every match of `pattern` (a regular
    /// expression, applied line by line) becomes `replacement`.
    public struct Mask: Sendable {
        public var pattern: String
        public var replacement: String
        public init(_ pattern: String, _ replacement: String) {
            self.pattern = pattern
            self.replacement = replacement
        }
    }

    /// Runs `charvec arguments…` from the package root and compares its exit status and standard
    /// output with `Tests/Corpus/golden/NAME.txt`; on a mismatch, fails with a unified-style diff
    /// of the first differing lines. With `CHARVEC_UPDATE_GOLDEN=1`, writes the file instead.
    public static func assertMatches(_ name: String, _ arguments: [String], masks: [Mask] = [],
                                     file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try CLIRunner.run(arguments, in: Fixtures.packageRoot)
        XCTAssertFalse(result.signaled, "charvec \(arguments.joined(separator: " ")) died of signal \(result.status)",
                       file: file, line: line)
        let actual = render(arguments, status: result.status, stdout: result.stdout, masks: masks)
        let url = directory.appendingPathComponent("\(name).txt")
        if updating {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data(actual.utf8).write(to: url)
            return
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            XCTFail("no golden file \(url.path): run with CHARVEC_UPDATE_GOLDEN=1 to create it", file: file, line: line)
            return
        }
        if let diff = firstDifference(expected: expected, actual: actual, expectedName: "Tests/Corpus/golden/\(name).txt") {
            XCTFail("output differs from the golden file (CHARVEC_UPDATE_GOLDEN=1 rewrites it):\n\(diff)\nstderr:\n\(result.stderr)",
                    file: file, line: line)
        }
    }

    /// The golden text of one run: command line, exit status, then standard output with the
    /// package root replaced by `<root>` and `masks` applied.
    public static func render(_ arguments: [String], status: Int32, stdout: String, masks: [Mask] = []) -> String {
        var text = stdout.replacingOccurrences(of: Fixtures.packageRoot.path, with: "<root>")
        for mask in masks {
            text = text.replacingOccurrences(of: mask.pattern, with: mask.replacement, options: .regularExpression)
        }
        return "$ charvec \(arguments.joined(separator: " "))\nexit \(status)\n" + text
    }

    /// A unified-style diff of the first block of differing lines, with `context` unchanged lines
    /// before it and at most `limit` lines from each side; nil when the texts are equal.
    public static func firstDifference(expected: String, actual: String, expectedName: String = "expected",
                                       context: Int = 2, limit: Int = 8) -> String? {
        if expected == actual { return nil }
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
        var first = 0
        while first < e.count && first < a.count && e[first] == a[first] { first += 1 }
        // The end of the differing block: the next line where both sides agree again at the same index.
        var end = first
        while end < max(e.count, a.count) && end - first < limit && (end >= e.count || end >= a.count || e[end] != a[end]) {
            end += 1
        }
        let start = max(0, first - context)
        var out = ["--- \(expectedName)", "+++ actual",
                   "@@ -\(start + 1),\(min(end, e.count) - start) +\(start + 1),\(min(end, a.count) - start) @@"]
        for i in start ..< first { out.append(" " + e[i]) }
        for i in first ..< min(end, e.count) { out.append("-" + e[i]) }
        for i in first ..< min(end, a.count) { out.append("+" + a[i]) }
        if end - first >= limit { out.append("… (more lines differ)") }
        return out.joined(separator: "\n")
    }
}
