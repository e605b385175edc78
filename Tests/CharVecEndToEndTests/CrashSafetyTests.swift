import EmbeddingCore
import EmbeddingIO
import Foundation
import TestSupport
import Training
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// `convert`, `sanitize` and `train` killed (SIGKILL) while writing: the previous output is intact and
/// no partial file appears under the final name.
///
/// Outputs go through `OutputFile`: a temporary file `.NAME.tmp-XXXXXX` beside NAME (mkstemp), fsync,
/// then rename. The tests need no hook in the code: they start the binary, poll the output folder
/// every millisecond, and send SIGKILL as soon as the temporary file of the watched output exists and
/// holds bytes, i.e. while it is being written. The workloads keep that window wide (hundreds of
/// milliseconds: gzip-compressed text for convert and sanitize, a 64 MB checkpoint for train); should a
/// loaded machine still let the process finish before the kill, the attempt is repeated with a
/// larger workload (3 attempts), so a slow machine costs time, not a false failure.
///
/// What remains after SIGKILL: the temporary file, under its recognisable hidden name. Nothing removes
/// it later: the next run writes a temporary file of its own and renames it over NAME, leaving the
/// stale one (SIGKILL, a crash or a power cut cannot be cleaned up after). `ls -a` shows them; they are
/// safe to delete. Ctrl-C, SIGTERM and SIGHUP are handled: the CLI deletes its temporary files and
/// dies of the signal (tested below).
final class CrashSafetyTests: XCTestCase {
    let previous = Data("the previous output, which must survive\n".utf8)

    func testKilledConvertKeepsThePreviousOutput() throws {
        try withGrowingWorkload { scale, work, out in
            let input = try Self.writeSyntheticBinary(rows: 8000 * scale, dimensions: 100, to: work.appendingPathComponent("in.bin"))
            let target = out.appendingPathComponent("table.vec.gz")
            try previous.write(to: target)
            return try killWhileWriting(["convert", input, target.path, "--to", "text", "--gzip"], watching: target, work: work)
        } check: { outcome, work, out in
            let target = out.appendingPathComponent("table.vec.gz")
            try assertPreviousOutputsIntact([target], temporaryFilesOf: target, in: out, leftovers: outcome)
            // A later run replaces the output completely (the stale temporary file is left beside it).
            let input = work.appendingPathComponent("in.bin").path
            let rerun = try CLIRunner.run(["convert", input, target.path, "--to", "text", "--gzip"])
            XCTAssertEqual(rerun.status, 0, rerun.stderr)
            let (original, _) = try EmbeddingReader.load(input)
            let (converted, _) = try EmbeddingReader.load(target.path)
            XCTAssertTrue(original.matrix.isBitIdentical(to: converted.matrix))
            XCTAssertEqual(try Self.temporaryFiles(of: target, in: out), outcome)
        }
    }

    func testKilledSanitizeKeepsThePreviousOutput() throws {
        try withGrowingWorkload { scale, work, out in
            let input = try Self.writeSyntheticBinary(rows: 8000 * scale, dimensions: 100, to: work.appendingPathComponent("in.bin"),
                                                      zeroRows: [5, 77])
            let target = out.appendingPathComponent("repaired.vec.gz")
            try previous.write(to: target)
            return try killWhileWriting(["sanitize", input, target.path, "--to", "text", "--gzip"], watching: target, work: work)
        } check: { outcome, _, out in
            let target = out.appendingPathComponent("repaired.vec.gz")
            try assertPreviousOutputsIntact([target], temporaryFilesOf: target, in: out, leftovers: outcome)
        }
    }

    /// Killed while writing the epoch checkpoint: both the previous checkpoint and the previous model survive.
    func testKilledTrainKeepsThePreviousCheckpointAndModel() throws {
        try withGrowingWorkload { scale, work, out in
            let hidden = [1: 512, 2: 768, 4: 1024][scale]!
            let input = try Self.writeSyntheticText(rows: 40, dimensions: 64, to: work.appendingPathComponent("words.vec"))
            let model = out.appendingPathComponent("m.cvm"), checkpoint = out.appendingPathComponent("m.cvm.checkpoint")
            try previous.write(to: model)
            try previous.write(to: checkpoint)
            // Hidden 512 per direction: ~2.3 M parameters, a 64 MB checkpoint (7 arrays).
            return try killWhileWriting(["train", input, "--out", model.path, "--epochs", "1", "--hidden", "\(hidden)",
                                         "--mlp-hidden", "64", "--char-dim", "8", "--validation-fraction", "0", "--threads", "1"],
                                        watching: checkpoint, work: work)
        } check: { outcome, _, out in
            let model = out.appendingPathComponent("m.cvm"), checkpoint = out.appendingPathComponent("m.cvm.checkpoint")
            try assertPreviousOutputsIntact([model, checkpoint], temporaryFilesOf: checkpoint, in: out, leftovers: outcome)
        }
    }

    // MARK: helpers

    /// Runs `attempt` with workload scale 1, 2, 4 (its size grows with the scale) until the kill lands while the output is being
    /// written, then `check`s the result. Fresh folders per attempt: `work` for inputs, `out` for outputs.
    func testInterruptedConvertDeletesItsTemporaryFile() throws {
        for signal in [SIGINT, SIGTERM] {
            try withGrowingWorkload { scale, work, out in
                let input = try Self.writeSyntheticBinary(rows: 8000 * scale, dimensions: 100, to: work.appendingPathComponent("in.bin"))
                let target = out.appendingPathComponent("table.vec.gz")
                try previous.write(to: target)
                return try killWhileWriting(["convert", input, target.path, "--to", "text", "--gzip"], watching: target,
                                            work: work, signal: signal)
            } check: { leftovers, _, out in
                let target = out.appendingPathComponent("table.vec.gz")
                XCTAssertEqual(leftovers, [], "signal \(signal) left temporary files")
                try assertPreviousOutputsIntact([target], temporaryFilesOf: target, in: out, leftovers: leftovers)
            }
        }
    }

    func withGrowingWorkload(_ attempt: (_ scale: Int, _ work: URL, _ out: URL) throws -> [String]?,
                             check: (_ leftovers: [String], _ work: URL, _ out: URL) throws -> Void) throws {
        for scale in [1, 2, 4] {
            let work = try Fixtures.temporaryDirectory("charvec-crash")
            defer { try? FileManager.default.removeItem(at: work) }
            let out = work.appendingPathComponent("out")
            try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
            if let leftovers = try attempt(scale, work, out) {
                try check(leftovers, work, out)
                return
            }
            print("CrashSafetyTests: the process finished before the kill at scale \(scale); retrying with a larger workload")
        }
        XCTFail("the process always finished before it could be killed mid-write")
    }

    /// Starts `charvec arguments…` and sends it SIGKILL as soon as a non-empty temporary file of `target`
    /// exists. Returns the temporary files left beside `target`, or nil when the process ended first
    /// (it must then have succeeded; a failure fails the test).
    func killWhileWriting(_ arguments: [String], watching target: URL, work: URL,
                          signal: Int32 = SIGKILL) throws -> [String]? {
        let errorLog = work.appendingPathComponent("stderr.txt")
        _ = FileManager.default.createFile(atPath: errorLog.path, contents: nil)
        let process = Process()
        process.executableURL = CLIRunner.executable
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: errorLog)
        try process.run()
        let folder = target.deletingLastPathComponent()
        let deadline = Date().addingTimeInterval(300)
        var killed = false
        polling: while process.isRunning && Date() < deadline {
            for name in try Self.temporaryFiles(of: target, in: folder) {
                let size = (try? FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(name).path))?[.size] as? Int ?? 0
                if size > 0 {
                    killed = kill(process.processIdentifier, signal) == 0
                    break polling
                }
            }
            usleep(1000)
        }
        process.waitUntilExit()
        if killed && process.terminationReason == .uncaughtSignal && process.terminationStatus == signal {
            return try Self.temporaryFiles(of: target, in: folder)
        }
        let stderr = (try? String(contentsOf: errorLog, encoding: .utf8)) ?? ""
        XCTAssertEqual(process.terminationStatus, 0, "charvec \(arguments.joined(separator: " ")) failed: \(stderr)")
        XCTAssertTrue(Date() < deadline, "timed out waiting for a temporary file of \(target.lastPathComponent)")
        return nil
    }

    /// The previous contents are still under each final name, and the folder holds nothing else but the
    /// recognisable temporary files (`.NAME.tmp-XXXXXX`) of the output being written.
    func assertPreviousOutputsIntact(_ targets: [URL], temporaryFilesOf watched: URL, in folder: URL, leftovers: [String],
                                     file: StaticString = #filePath, line: UInt = #line) throws {
        for target in targets {
            XCTAssertEqual(try Data(contentsOf: target), previous, "\(target.lastPathComponent) was changed", file: file, line: line)
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        XCTAssertEqual(Set(names), Set(targets.map(\.lastPathComponent) + leftovers), "unexpected files: \(names)", file: file, line: line)
        XCTAssertLessThanOrEqual(leftovers.count, 1, file: file, line: line)
        for name in leftovers {
            XCTAssertTrue(name.hasPrefix(".\(watched.lastPathComponent).tmp-") && name.count == watched.lastPathComponent.count + 12,
                          "temporary file \(name) is not named .NAME.tmp-XXXXXX", file: file, line: line)
        }
    }

    /// Hidden temporary files of `target` (`.NAME.tmp-XXXXXX`) in `folder`, sorted.
    static func temporaryFiles(of target: URL, in folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasPrefix(".\(target.lastPathComponent).tmp-") }.sorted()
    }

    /// A word2vec binary table of seeded uniform values in [-1, 1) (long decimal forms when converted to
    /// text, so writing text takes a while); `zeroRows` are all zeros. Returns the path.
    static func writeSyntheticBinary(rows: Int, dimensions: Int, to url: URL, zeroRows: Set<Int> = []) throws -> String {
        var rng = SplitMix64(seed: 7)
        var bytes = Array("\(rows) \(dimensions)\n".utf8)
        bytes.reserveCapacity(rows * (dimensions * 4 + 12))
        for row in 0 ..< rows {
            bytes += Array("w\(row)x ".utf8)
            for _ in 0 ..< dimensions {
                let value: Float = zeroRows.contains(row) ? 0 : rng.uniform(-1, 1)
                withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 }
            }
            bytes.append(UInt8(ascii: "\n"))
        }
        try Data(bytes).write(to: url)
        return url.path
    }

    /// A word2vec text table of `rows` distinct letter words with seeded normal values. Returns the path.
    static func writeSyntheticText(rows: Int, dimensions: Int, to url: URL) throws -> String {
        var rng = SplitMix64(seed: 11)
        var text = "\(rows) \(dimensions)\n"
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        for row in 0 ..< rows {
            var word = String(letters[row % 26]) + String(letters[(row / 26) % 26])
            for _ in 0 ..< 3 + rng.nextIndex(5) { word.append(letters[rng.nextIndex(26)]) }
            text += word + " " + (0 ..< dimensions).map { _ in "\(rng.normal())" }.joined(separator: " ") + "\n"
        }
        try text.write(to: url, atomically: false, encoding: .utf8)
        return url.path
    }
}
