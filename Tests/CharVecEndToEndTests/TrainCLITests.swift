import EmbeddingIO
import Foundation
import TestSupport
import XCTest

/// `charvec train`, `embed` and `extend` through the binary.
final class TrainCLITests: XCTestCase {
    var sample: String { Fixtures.bundledData.appendingPathComponent("en-2k-384d.vec.gz").path }
    var planted: String { Fixtures.bundledData.appendingPathComponent("planted-defects.vec").path }
    let small = ["--hidden", "12", "--char-dim", "8", "--mlp-hidden", "24", "--patience", "0", "--members", "1"]

    /// The default trains two members one after another and saves their ensemble; with a trainable
    /// n-gram table it trains one network.
    func testDefaultTrainsTwoMembers() throws {
        let directory = try Fixtures.temporaryDirectory()
        let model = directory.appendingPathComponent("m.cvm").path
        let tiny = ["--hidden", "12", "--char-dim", "8", "--mlp-hidden", "24", "--epochs", "1", "--no-baseline", "--limit", "600"]
        let plot = directory.appendingPathComponent("curve.svg").path
        let train = try CLIRunner.run(["train", sample, "--out", model, "--json", "--plot", plot] + tiny)
        XCTAssertEqual(train.status, 0, train.stderr)
        let svg = try String(contentsOfFile: plot, encoding: .utf8)
        XCTAssertTrue(svg.contains(">loss (1)<") && svg.contains(">loss (2)<"), "a line per member")
        let objects = try train.stdout.split(separator: "\n").map {
            try XCTUnwrap(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        XCTAssertEqual(objects.compactMap { $0["member"] as? Int }, [1, 2])
        XCTAssertEqual(objects.last?["memberBestEpochs"] as? [Int], [1, 1])
        XCTAssertTrue(train.stderr.contains("member 2 of 2"), train.stderr)
        XCTAssertTrue(train.stderr.contains("saved the model of epochs 1 + 1"), train.stderr)
        let embed = try CLIRunner.run(["embed", model, "kingdomm", "--to", "json"])
        XCTAssertEqual(embed.status, 0, embed.stderr)
        let hybrid = try CLIRunner.run(["train", sample, "--out", model, "--json", "--ngram-buckets", "500"] + tiny)
        XCTAssertEqual(hybrid.status, 0, hybrid.stderr)
        XCTAssertFalse(hybrid.stdout.contains("\"member\""), hybrid.stdout)
    }

    func testTrainEmbedExtendAndResume() throws {
        let directory = try Fixtures.temporaryDirectory()
        let model = directory.appendingPathComponent("m.cvm").path
        let log = directory.appendingPathComponent("log.jsonl").path
        let plot = directory.appendingPathComponent("curve.svg").path
        let train = try CLIRunner.run(["train", sample, "--out", model, "--epochs", "2", "--log", log, "--plot", plot, "--json"] + small)
        XCTAssertEqual(train.status, 0, train.stderr)
        let lines = train.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 3)
        let epochs = lines.filter { !$0.contains("\"event\"") }
        XCTAssertEqual(epochs.count, 2)
        // The last line compares the model with the n-gram baseline on the same split.
        let summary = try JSONSerialization.jsonObject(with: Data(lines[2].utf8)) as! [String: Any]
        XCTAssertEqual(summary["event"] as? String, "summary")
        XCTAssertNotNil((summary["ngramBaseline"] as? [String: Any])?["meanReciprocalRank"])
        let typos = try XCTUnwrap((summary["typos"] as? [String: Any])?["hitAt10"] as? Double)
        let snapped = try XCTUnwrap((summary["typosWithTable"] as? [String: Any])?["hitAt10"] as? Double)
        XCTAssertGreaterThan(snapped, typos, "the table's words catch typos the model alone misses")

        // eval --typos: the model alone and pulled toward the table's words.
        let eval = try CLIRunner.run(["eval", sample, "--model", model, "--typos", "300", "--json"])
        XCTAssertEqual(eval.status, 0, eval.stderr)
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(eval.stdout.utf8)) as? [String: Any])["typos"]
        let evalTypos = try XCTUnwrap(report as? [String: Any])
        XCTAssertEqual(evalTypos["words"] as? Int, 300)
        let withTable = try XCTUnwrap(evalTypos["with_table"] as? [String: Any])
        XCTAssertGreaterThan(try XCTUnwrap(withTable["hit_at_10"] as? Double), 0.8)
        let evalAlone = try CLIRunner.run(["eval", sample, "--model", model, "--typos", "300", "--spelling-weight", "0", "--json"])
        let aloneReport = try JSONSerialization.jsonObject(with: Data(evalAlone.stdout.utf8)) as? [String: Any]
        XCTAssertNil((aloneReport?["typos"] as? [String: Any])?["with_table"])
        XCTAssertEqual(try CLIRunner.run(["eval", sample, "--model", model, "--typos", "3", "--spelling-weight", "-2"]).status, 64)
        let record = try JSONSerialization.jsonObject(with: Data(epochs[1].utf8)) as! [String: Any]
        XCTAssertEqual(record["epoch"] as? Int, 2)
        XCTAssertNotNil((record["validation"] as? [String: Any])?["meanReciprocalRank"])
        XCTAssertEqual(try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").count, 2)
        XCTAssertTrue(try String(contentsOfFile: plot, encoding: .utf8).hasPrefix("<svg"))
        XCTAssertTrue(train.stderr.contains("saved the model of epoch"), train.stderr)

        // Resuming for two more epochs equals training four at once.
        let resumed = try CLIRunner.run(["train", sample, "--out", model, "--epochs", "4", "--resume", model + ".checkpoint", "--json"] + small)
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        let straightModel = directory.appendingPathComponent("straight.cvm").path
        let straight = try CLIRunner.run(["train", sample, "--out", straightModel, "--epochs", "4", "--json"] + small)
        XCTAssertEqual(straight.status, 0, straight.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: model)), try Data(contentsOf: URL(fileURLWithPath: straightModel)))

        // OOV words (misspellings, unseen characters) get finite vectors.
        let embed = try CLIRunner.run(["embed", model], stdin: Data("kingdomm\nrunnning\nnaïve\n".utf8))
        XCTAssertEqual(embed.status, 0, embed.stderr)
        let embedded = try Fixtures.write(Array(embed.stdout.utf8), named: "oov.vec", in: directory)
        let (table, _) = try EmbeddingReader.load(embedded)
        XCTAssertEqual(table.vocabulary.words, ["kingdomm", "runnning", "naïve"])
        XCTAssertTrue(table.matrix.withUnsafeBufferPointer { $0.allSatisfy { $0.isFinite } })

        let words = try Fixtures.write("of\nbrandnewword\nanotherone\n", named: "words.txt", in: directory)
        let extended = directory.appendingPathComponent("extended.vec").path
        let extend = try CLIRunner.run(["extend", sample, model, words, "--out", extended])
        XCTAssertEqual(extend.status, 0, extend.stderr)
        let (big, _) = try EmbeddingReader.load(extended)
        XCTAssertEqual(big.count, 2002)
        XCTAssertEqual(Array(big.vocabulary.words.suffix(2)), ["brandnewword", "anotherone"])
    }

    /// `--head-input`: the saved model takes its head's bags, and `embed` and `neighbors` use them.
    func testHeadInputModelPredictsThroughItsHead() throws {
        let directory = try Fixtures.temporaryDirectory()
        let model = directory.appendingPathComponent("input.cvm").path
        let train = try CLIRunner.run(["train", sample, "--out", model, "--epochs", "1", "--head-input", "--no-baseline"] + small)
        XCTAssertEqual(train.status, 0, train.stderr)
        let embed = try CLIRunner.run(["embed", model, "kingdomm", "naïve", "--to", "json"])
        XCTAssertEqual(embed.status, 0, embed.stderr)
        XCTAssertTrue(embed.stdout.contains("kingdomm"), embed.stdout)
        let neighbors = try CLIRunner.run(["neighbors", sample, "--model", model, "--top", "3", "governmentt"])
        XCTAssertEqual(neighbors.status, 0, neighbors.stderr)
        XCTAssertTrue(neighbors.stdout.contains("government"), neighbors.stdout)
    }

    /// OpenBLAS's kernels follow the CPU's features: an older family pinned by OPENBLAS_CORETYPE (or
    /// picked by OpenBLAS for a CPU it does not know) is replaced at start, and the start line says
    /// why; CHARVEC_OPENBLAS_CORETYPE forces a family. `info --json` reports the same.
    func testOpenBLASKernelsFollowTheCPUsFeatures() throws {
        let directory = try Fixtures.temporaryDirectory()
        let model = directory.appendingPathComponent("m.cvm").path
        let arguments = ["train", sample, "--out", model, "--epochs", "1", "--json", "--limit", "200", "--no-baseline"] + small
        let info = try CLIRunner.run(["info", sample, "--json"], environment: ["OPENBLAS_CORETYPE": "Prescott"])
        XCTAssertEqual(info.status, 0, info.stderr)
        let kernels = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(info.stdout.utf8)) as? [String: Any])?["kernels"] as? [String: Any])
        let level = try XCTUnwrap(kernels["cpu_vector_level"] as? String)
        guard level == "AVX-512" || level == "AVX2+FMA" else { return }  // nothing to choose on older CPUs
        let expected = level == "AVX2+FMA" ? ["Haswell", "Zen"] : ["Cooperlake", "SkylakeX"]  // Zen: OpenBLAS's own AVX2 family
        XCTAssertTrue(expected.contains(kernels["openblas_core"] as? String ?? ""), "\(kernels)")
        XCTAssertTrue((kernels["openblas_reason"] as? String ?? "").contains("OpenBLAS had chosen Prescott with OPENBLAS_CORETYPE=Prescott"),
                      "\(kernels)")
        let pinned = try CLIRunner.run(arguments, environment: ["OPENBLAS_CORETYPE": "Prescott"])
        XCTAssertEqual(pinned.status, 0, pinned.stderr)
        XCTAssertTrue(expected.contains { pinned.stderr.contains("OpenBLAS \($0) kernels") }, pinned.stderr)
        XCTAssertTrue(pinned.stderr.contains("note: OpenBLAS kernels chosen from the CPU's features"), pinned.stderr)
        let forced = try CLIRunner.run(arguments, environment: ["CHARVEC_OPENBLAS_CORETYPE": "Prescott"])
        XCTAssertEqual(forced.status, 0, forced.stderr)
        XCTAssertTrue(forced.stderr.contains("OpenBLAS Prescott kernels"), forced.stderr)
        let free = try CLIRunner.run(arguments, environment: ["OPENBLAS_CORETYPE": nil])
        XCTAssertEqual(free.status, 0, free.stderr)
        XCTAssertTrue(expected.contains { free.stderr.contains("OpenBLAS \($0) kernels") }, free.stderr)
        guard level == "AVX2+FMA" else { return }
        // An AVX-512 family pinned or forced on an AVX2 CPU would stop at the first GEMM on an
        // illegal instruction: it is replaced (pinned) or not honoured (forced).
        let wider = try CLIRunner.run(["info", sample, "--json"], environment: ["OPENBLAS_CORETYPE": "SkylakeX"])
        XCTAssertEqual(wider.status, 0, wider.stderr)
        XCTAssertTrue(expected.contains { wider.stdout.contains("\"openblas_core\":\"\($0)\"") }, wider.stdout)
        XCTAssertTrue(wider.stdout.contains("SkylakeX, whose instructions this CPU lacks"), wider.stdout)
        for environment in [["OPENBLAS_CORETYPE": "SkylakeX"], ["CHARVEC_OPENBLAS_CORETYPE": "Cooperlake", "OPENBLAS_CORETYPE": nil]] {
            let run = try CLIRunner.run(arguments, environment: environment)
            XCTAssertEqual(run.status, 0, "\(environment): \(run.stderr)")
            XCTAssertTrue(expected.contains { run.stderr.contains("OpenBLAS \($0) kernels") }, run.stderr)
        }
    }

    func testBadTableIsCleanedAndFaultsAreRecovered() throws {
        let directory = try Fixtures.temporaryDirectory()
        let model = directory.appendingPathComponent("m.cvm").path
        let result = try CLIRunner.run(["train", planted, "--out", model, "--epochs", "3", "--batch", "8",
                                  "--inject-fault", "nan-gradient@4"] + small)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("excluded 1 all-zero row ('as')"), result.stderr)
        XCTAssertTrue(result.stderr.contains("excluded 2 rows with NaN or infinite values ('had', 'me')"), result.stderr)
        XCTAssertTrue(result.stderr.contains("warning: non-finite gradient"), result.stderr)
        XCTAssertTrue(result.stderr.contains("halved the learning rate"), result.stderr)
        XCTAssertFalse(result.stdout.contains("nan"), result.stdout)

        var always: [String] = []
        for step in 0 ..< 20 { always += ["--inject-fault", "nan-loss@\(step)"] }
        let diverged = try CLIRunner.run(["train", planted, "--out", model + "2", "--epochs", "2", "--max-recoveries", "2"] + always + small)
        XCTAssertEqual(diverged.status, 1)
        XCTAssertTrue(diverged.stderr.contains("error: training diverged"), diverged.stderr)
        XCTAssertTrue(diverged.stderr.contains("note: lower --lr"), diverged.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: model + "2"))

        let notModel = try CLIRunner.run(["embed", planted, "word"])
        XCTAssertEqual(notModel.status, 1)
        XCTAssertTrue(notModel.stderr.contains("not a charvec model file"), notModel.stderr)
    }
}
