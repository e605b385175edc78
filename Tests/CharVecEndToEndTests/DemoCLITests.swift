import EmbeddingIO
import Foundation
import TestSupport
import XCTest

/// `charvec demo`, the main job on the bundled sample, and the command-line help around it.
final class DemoCLITests: XCTestCase {
    func testQuickDemoAuditsRepairsTrainsAndPredictsFromAnotherDirectory() throws {
        let directory = try Fixtures.temporaryDirectory()
        let out = directory.appendingPathComponent("demo")
        // Run from an unrelated directory: the binary finds the bundled sample itself.
        let result = try CLIRunner.run(["demo", "--quick", "--out", out.path], in: URL(fileURLWithPath: "/"))
        XCTAssertEqual(result.status, 0, result.stderr)
        let stdout = result.stdout, stderr = result.stderr

        // The sections, in order.
        let sections = ["== Audit ==", "== Repair ==", "== Train ==", "== Neighbours of OOV words =="]
        let offsets = sections.map { stdout.range(of: $0)?.lowerBound }
        XCTAssertFalse(offsets.contains(nil), "missing sections in:\n\(stdout)")
        XCTAssertEqual(offsets.compactMap { $0 }, offsets.compactMap { $0 }.sorted())

        // The audit catches the planted zero row and NaN with file:line; the audit step's exit 1 is expected.
        XCTAssertTrue(stdout.contains("planted-defects.vec:9:1: row 8 'as': all 384 values are 0"), stdout)
        XCTAssertTrue(stdout.contains("planted-defects.vec:21:1: row 20 'had': NaN at dim 42"), stdout)
        XCTAssertTrue(stdout.contains("(exit status 1, as expected)"), stdout)
        XCTAssertTrue(stdout.contains("summary: 0 errors, 0 warnings, 0 notes — clean"), stdout)

        // Training excludes the bad rows and reports validation metrics per epoch.
        XCTAssertTrue(stderr.contains("excluded 1 all-zero row ('as')"), stderr)
        XCTAssertTrue(stderr.contains("excluded 2 rows with NaN or infinite values ('had', 'me')"), stderr)
        XCTAssertTrue(stdout.contains("$ charvec train en-2k-384d.vec.gz --out model.cvm --epochs 1 --hidden 16"), stdout)
        XCTAssertTrue(stdout.contains("bag of n-grams baseline"), stdout)
        let epochLines = stdout.split(separator: "\n").filter { $0.hasPrefix("epoch ") }
        XCTAssertEqual(epochLines.count, 2, stdout)  // the planted table's run and the sample's
        for line in epochLines {
            for metric in ["val cos", "hit@10", "MRR"] { XCTAssertTrue(line.contains(metric), String(line)) }
        }

        // Neighbours of every out-of-vocabulary word, through the model.
        for word in ["runing", "governmental", "universities"] {
            XCTAssertTrue(stdout.contains("\(word)  (predicted by the model: \(word))"), stdout)
        }
        // Typos one edit from a table word are pulled toward it, and it comes first.
        for (typo, word) in [("goverment", "government"), ("kingdomz", "kingdom")] {
            XCTAssertTrue(stdout.contains("\(typo)  (predicted by the model: \(typo); \(typo) is one edit from \(word))\n   1  \(word) "),
                          stdout)
        }

        // The files: a learning curve and finite predicted vectors.
        let curve = out.appendingPathComponent("curve.svg")
        XCTAssertTrue(stdout.contains("learning curve: \(curve.path)"), stdout)
        XCTAssertTrue(try String(contentsOf: curve, encoding: .utf8).hasPrefix("<svg"))
        let (oov, _) = try EmbeddingReader.load(out.appendingPathComponent("oov.vec").path)
        XCTAssertEqual(oov.vocabulary.words, ["goverment", "runing", "kingdomz", "governmental", "universities", "footballers"])
        XCTAssertEqual(oov.dimensions, 384)
        XCTAssertTrue(oov.matrix.withUnsafeBufferPointer { $0.allSatisfy(\.isFinite) && $0.contains { $0 != 0 } })

        // A second run into the same folder replaces the files instead of failing.
        let again = try CLIRunner.run(["demo", "--quick", "--out", out.path])
        XCTAssertEqual(again.status, 0, again.stderr)
    }

    func testBashCompletionScriptNamesTheSubcommands() throws {
        let result = try CLIRunner.run(["--generate-completion-script", "bash"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.hasPrefix("#!/bin/bash"), String(result.stdout.prefix(200)))
        for command in ["info", "convert", "audit", "sanitize", "train", "embed", "extend", "neighbors", "analogy",
                        "eval", "index", "demo"] {
            XCTAssertTrue(result.stdout.contains(command), "\(command) missing from the bash completion script")
        }
        XCTAssertTrue(result.stdout.contains("--max-locations"), "audit's options are not completed")
        for shell in ["zsh", "fish"] {
            let other = try CLIRunner.run(["--generate-completion-script", shell])
            XCTAssertEqual(other.status, 0, other.stderr)
            XCTAssertTrue(other.stdout.contains("neighbors"), shell)
        }
    }

    /// Every command has an abstract and a discussion with an example; every visible argument has help.
    func testHelpIsCompleteForEveryCommand() throws {
        let result = try CLIRunner.run(["--experimental-dump-help"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let root = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        var commands = [root["command"] as! [String: Any]]
        var checked = 0
        while let command = commands.popLast() {
            let name = command["commandName"] as! String
            commands += command["subcommands"] as? [[String: Any]] ?? []
            if name == "help" { continue }  // swift-argument-parser's own
            checked += 1
            XCTAssertFalse((command["abstract"] as? String ?? "").isEmpty, "\(name): no abstract")
            XCTAssertTrue((command["discussion"] as? String ?? "").contains("Example"), "\(name): no example in the discussion")
            for argument in command["arguments"] as? [[String: Any]] ?? [] where argument["shouldDisplay"] as? Bool ?? true {
                XCTAssertFalse((argument["abstract"] as? String ?? "").isEmpty,
                               "\(name): \(argument["valueName"] ?? "an argument") has no help text")
            }
            // Each command's own --help prints without error.
            let path = name == "charvec" ? [] : [name]
            let help = try CLIRunner.run(path + ["--help"])
            XCTAssertEqual(help.status, 0, help.stderr)
            XCTAssertTrue(help.stdout.contains("USAGE: charvec"), name)
        }
        XCTAssertEqual(checked, 14)  // charvec and its 13 subcommands
    }
}
