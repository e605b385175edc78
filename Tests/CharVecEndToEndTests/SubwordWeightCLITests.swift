import EmbeddingIO
import Foundation
import TestSupport
import XCTest

/// `--subword-weight` at prediction time (`embed`, `extend`, `neighbors`, `eval`): predictions are
/// `p̂ + w · b̂`, the character model's unit vector plus the weighted unit bag of the subword head.
final class SubwordWeightCLITests: XCTestCase {
    var sample: String { Fixtures.bundledData.appendingPathComponent("en-2k-384d.vec.gz").path }
    /// One network: its head keeps the trained weight (an ensemble's is blended at 0.9× of it).
    let small = ["--hidden", "12", "--char-dim", "8", "--mlp-hidden", "24", "--epochs", "1", "--no-baseline", "--members", "1"]

    func embed(_ model: String, _ extra: [String]) throws -> [[Double]] {
        let result = try CLIRunner.run(["embed", model, "kingdomz", "unfriendliness", "qx", "--to", "json"] + extra)
        XCTAssertEqual(result.status, 0, result.stderr)
        return try result.stdout.split(separator: "\n").map { line in
            let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            return try XCTUnwrap(object["vector"] as? [Double])
        }
    }

    func testPredictionsMoveAlongTheHeadAsTheWeightChanges() throws {
        let directory = try Fixtures.temporaryDirectory()
        let model = directory.appendingPathComponent("m.cvm").path
        let train = try CLIRunner.run(["train", sample, "--out", model, "--json"] + small)
        XCTAssertEqual(train.status, 0, train.stderr)
        // The summary shows the validation figures at 0.7× and 1.3× the trained weight.
        let summaryLine = try XCTUnwrap(train.stdout.split(separator: "\n").last)
        let summary = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(summaryLine.utf8)) as? [String: Any])
        let rows = try XCTUnwrap(summary["headWeights"] as? [[String: Any]])
        XCTAssertEqual(rows.compactMap { $0["weight"] as? Double }, [0.7, 1.3])
        let model1 = try XCTUnwrap((summary["model"] as? [String: Any])?["meanCosine"] as? Double)
        let heavierCos = try XCTUnwrap(rows[1]["meanCosine"] as? Double)
        XCTAssertNotEqual(model1, heavierCos)
        let alone = try embed(model, ["--subword-weight", "0"])
        let trained = try embed(model, [])  // the weight it was trained with: 1
        let heavier = try embed(model, ["--subword-weight", "2.5"])
        for (i, row) in alone.enumerated() {
            XCTAssertEqual(row.reduce(0) { $0 + $1 * $1 }.squareRoot(), 1, accuracy: 1e-5, "the model's part alone is a unit vector")
            for j in row.indices {
                // p̂ + 2.5 b̂ = p̂ + 2.5 ((p̂ + b̂) − p̂)
                XCTAssertEqual(heavier[i][j], row[j] + 2.5 * (trained[i][j] - row[j]), accuracy: 1e-5)
            }
        }
        XCTAssertNotEqual(alone[0], trained[0])

        // The same weight reaches neighbors and eval (their predictions differ from the default's).
        let table = try Fixtures.write("3 384\n" + ["a", "b", "c"].enumerated().map { i, w in
            w + (0 ..< 384).map { " \(Double(($0 * 7 + i * 3) % 11) - 5)" }.joined()
        }.joined(separator: "\n") + "\n", named: "t.vec", in: directory)
        let near = try CLIRunner.run(["neighbors", table, "kingdomz", "--model", model, "--subword-weight", "0", "--json"])
        let nearDefault = try CLIRunner.run(["neighbors", table, "kingdomz", "--model", model, "--json"])
        XCTAssertEqual(near.status, 0, near.stderr)
        XCTAssertNotEqual(near.stdout, nearDefault.stdout)
        let eval = try CLIRunner.run(["eval", sample, "--model", model, "--typos", "50", "--subword-weight", "0.5", "--json"])
        XCTAssertEqual(eval.status, 0, eval.stderr)
    }

    func testWeightNeedsAModelWithAHead() throws {
        let directory = try Fixtures.temporaryDirectory()
        let model = directory.appendingPathComponent("plain.cvm").path
        let train = try CLIRunner.run(["train", sample, "--out", model, "--subword-weight", "0"] + small)
        XCTAssertEqual(train.status, 0, train.stderr)
        let refused = try CLIRunner.run(["embed", model, "word", "--subword-weight", "1"])
        XCTAssertEqual(refused.status, 64)
        XCTAssertTrue(refused.stderr.contains("trained without one"), refused.stderr)
        XCTAssertEqual(try CLIRunner.run(["embed", model, "word"]).status, 0)
        let noModel = try CLIRunner.run(["neighbors", sample, "king", "--subword-weight", "0.5"])
        XCTAssertEqual(noModel.status, 64)
        XCTAssertTrue(noModel.stderr.contains("--model"), noModel.stderr)
    }
}
