import Foundation
import TestSupport
import XCTest

/// `charvec train` refuses bad options before any work, keeps resumed runs honest, and explains
/// itself when the data leave nothing to learn.
final class TrainRobustnessTests: XCTestCase {
    var sample: String { Fixtures.bundledData.appendingPathComponent("en-2k-384d.vec.gz").path }
    let small = ["--hidden", "12", "--char-dim", "8", "--mlp-hidden", "24", "--ngram-buckets", "2000", "--no-baseline"]

    func train(_ arguments: [String], in directory: URL) throws -> CLIResult {
        try CLIRunner.run(["train"] + arguments, in: directory)
    }

    /// Bad hyper-parameters exit 64 with a message, before the table is read (the table path does not even exist).
    func testBadValuesAreRefusedBeforeLoading() throws {
        let directory = try Fixtures.temporaryDirectory()
        let cases: [([String], String)] = [
            (["--epochs", "0"], "--epochs must be at least 1"), (["--margin", "nan"], "--margin must be in [0, 2]"),
            (["--spike-factor", "0"], "--spike-factor must be a finite number above 1"),
            (["--collapse-threshold", "nan"], "--collapse-threshold must be in (0, 1]"),
            (["--collapse-threshold", "0"], "--collapse-threshold must be in (0, 1]"),
            (["--temperature", "0"], "--temperature must be in [0.001, 100]"), (["--temperature", "nan"], "--temperature"),
            (["--cos-weight", "-1"], "--cos-weight"), (["--typo-rate", "2"], "--typo-rate"), (["--ngram-buckets", "-5"], "--ngram-buckets"),
            (["--lr", "nan"], "--lr must be positive"), (["--lr-decay", "0"], "--lr-decay must be in (0, 1]"),
            (["--ema", "1"], "--ema must be in [0, 1)"), (["--ema", "nan"], "--ema"), (["--ema", "-0.5"], "--ema"),
            (["--lr-decay", "nan"], "--lr-decay"), (["--lr-decay", "1.5"], "--lr-decay"), (["--hidden", "0"], "--hidden"), (["--batch", "-1"], "--batch"),
            (["--validation-fraction", "nan"], "--validation-fraction"), (["--clip", "inf"], "--clip must be finite"),
            (["--patience", "-1"], "--patience"), (["--max-recoveries", "-2"], "--max-recoveries"),
            (["--subword-weight", "nan"], "--subword-weight must be a number in [0, 100]"), (["--subword-weight", "-1"], "--subword-weight"),
            (["--subword-weight", "1e9"], "--subword-weight"), (["--aux-weight", "nan"], "--aux-weight must be in [0, 100]"),
            (["--aux-weight", "-0.5"], "--aux-weight"), (["--subword-folds", "1"], "--subword-folds must be 0 or in 2...100"),
            (["--subword-folds", "-3"], "--subword-folds"), (["--subword-folds", "1000000"], "--subword-folds"),
            (["--members", "0"], "--members must be in 1...16"), (["--members", "-1"], "--members"), (["--members", "17"], "--members"),
            (["--members", "\(Int.max)"], "--members"), (["--members", "2", "--ngram-buckets", "100"], "--members above 1 needs --ngram-buckets 0"),
            (["--subword-fit", "lasso"], "--subword-fit"), (["--subword-fit", ""], "--subword-fit"),
        ]
        for (options, message) in cases {
            let result = try train(["no-such-table.vec", "--out", "m.cvm"] + options, in: directory)
            XCTAssertEqual(result.status, 64, "\(options): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains(message), "\(options): \(result.stderr)")
            XCTAssertFalse(result.stderr.contains("no-such-table"), "\(options) must fail before loading: \(result.stderr)")
        }
    }

    /// Output folders are checked before the work, not after it.
    func testMissingOutputFoldersAreRefusedFirst() throws {
        let directory = try Fixtures.temporaryDirectory()
        for (flag, value) in [("--out", "missing/m.cvm"), ("--plot", "missing/curve.svg"), ("--checkpoint", "missing/c")] {
            var arguments = [sample, "--epochs", "1"] + small
            if flag != "--out" { arguments += ["--out", "m.cvm"] }
            let result = try train(arguments + [flag, value], in: directory)
            XCTAssertEqual(result.status, 64, result.stderr)
            XCTAssertTrue(result.stderr.contains("\(flag) \(value): the folder 'missing' does not exist"), result.stderr)
            XCTAssertFalse(result.stderr.contains("training on"), "no training before the check: \(result.stderr)")
        }
    }

    /// Without validation words the best epoch is the lowest training loss; nothing stops early.
    func testNoValidationWordsKeepsTheLowestLossEpoch() throws {
        let directory = try Fixtures.temporaryDirectory()
        let result = try train([sample, "--out", "m.cvm", "--epochs", "5", "--validation-fraction", "0", "--patience", "1",
                                "--limit", "300"] + small, in: directory)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout.split(separator: "\n").filter { $0.hasPrefix("epoch") }.count, 5, result.stdout)
        XCTAssertFalse(result.stderr.contains("epoch 0"), result.stderr)
        XCTAssertTrue(result.stderr.contains("no validation words: the epoch with the lowest training loss"), result.stderr)
    }

    /// A resumed run keeps its options: a different value is refused, a left-out one is inherited.
    func testResumeRefusesChangedOptionsAndInheritsOmittedOnes() throws {
        let directory = try Fixtures.temporaryDirectory()
        let first = try train([sample, "--out", "m.cvm", "--epochs", "1", "--limit", "300", "--seed", "5"] + small, in: directory)
        XCTAssertEqual(first.status, 0, first.stderr)
        let changed = try train([sample, "--out", "m.cvm", "--epochs", "2", "--limit", "300", "--resume", "m.cvm.checkpoint",
                                 "--hidden", "20", "--lr", "0.01"], in: directory)
        XCTAssertEqual(changed.status, 1, changed.stderr)
        XCTAssertTrue(changed.stderr.contains("the checkpoint was made with other options: --hidden 20 (the checkpoint has 12), --lr 0.01"), changed.stderr)
        let omitted = try train([sample, "--out", "m.cvm", "--epochs", "2", "--limit", "300", "--resume", "m.cvm.checkpoint", "--no-baseline"],
                                in: directory)
        XCTAssertEqual(omitted.status, 0, omitted.stderr)
        XCTAssertTrue(omitted.stderr.contains("continuing with the checkpoint's options:"), omitted.stderr)
        XCTAssertTrue(omitted.stderr.contains("--hidden 12") && omitted.stderr.contains("--seed 5"), omitted.stderr)
    }

    /// A model too large for the machine is refused before any allocation.
    func testHugeModelIsRefusedWithAnEstimate() throws {
        let directory = try Fixtures.temporaryDirectory()
        let result = try train([sample, "--out", "m.cvm", "--limit", "100", "--hidden", "100000", "--no-baseline"], in: directory)
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertTrue(result.stderr.contains("this model needs about"), result.stderr)
        XCTAssertTrue(result.stderr.contains("lower --hidden"), result.stderr)
    }

    /// Every row one vector: a warning, no false collapse, and a finite run.
    func testIdenticalTargetsWarnInsteadOfCollapsing() throws {
        let directory = try Fixtures.temporaryDirectory()
        var lines = ["200 4"]
        for i in 0 ..< 200 { lines.append("word\(i)x 0.5 0.25 -1 2") }
        _ = try Fixtures.write(lines.joined(separator: "\n") + "\n", named: "same.vec", in: directory)
        let result = try train(["same.vec", "--out", "m.cvm", "--epochs", "2", "--json"] + small, in: directory)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("training words share one identical vector"), result.stderr)
        XCTAssertFalse(result.stderr.contains("collapse at step"), result.stderr)
        XCTAssertFalse(result.stdout.contains("\"nan\""), result.stdout)
    }

    /// After a divergence in the first epoch no checkpoint exists, and the note says so.
    func testDivergenceBeforeAnyCheckpointSaysSo() throws {
        let directory = try Fixtures.temporaryDirectory()
        var faults: [String] = []
        for step in 0 ..< 8 { faults += ["--inject-fault", "nan-loss@\(step)"] }
        let result = try train([sample, "--out", "m.cvm", "--limit", "300", "--max-recoveries", "2"] + small + faults, in: directory)
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertTrue(result.stderr.contains("training diverged"), result.stderr)
        XCTAssertTrue(result.stderr.contains("no epoch completed, so this run wrote no checkpoint"), result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appendingPathComponent("m.cvm.checkpoint").path))
    }
}
