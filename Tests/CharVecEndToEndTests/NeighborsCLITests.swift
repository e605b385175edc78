import EmbeddingCore
import EmbeddingIO
import Foundation
import NeuralNet
import TestSupport
import Training
import XCTest

/// `charvec neighbors`, `analogy`, `eval` and `index`, run as the built binary.
///
/// Exact results are checked against a naive Double-precision cosine scan of the table;
/// evaluation numbers against gensim 4.4.0's (the values GensimEvaluationTests records).
final class NeighborsCLITests: XCTestCase {
    @discardableResult
    func run(_ arguments: [String], stdin: String? = nil) throws -> CLIResult {
        try CLIRunner.run(arguments, stdin: stdin.map { Data($0.utf8) })
    }

    /// Every stdout line parsed as a JSON object.
    func jsonLines(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    }

    var sample: String { Fixtures.bundledData.appendingPathComponent("en-2k-384d.vec.gz").path }

    nonisolated(unsafe) static var sampleTable: EmbeddingTable?
    func table() throws -> EmbeddingTable {
        if let table = Self.sampleTable { return table }
        let (table, _) = try EmbeddingReader.load(sample)
        Self.sampleTable = table
        return table
    }

    /// The `k` best words by cosine to the mean of the unit vectors of `words`, the words excluded (naive, Double).
    func reference(_ table: EmbeddingTable, _ words: [String], k: Int) -> [String] {
        func unit(_ row: Int) -> [Double] {
            let x = table.matrix.row(row).map(Double.init)
            let norm = x.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return norm > 0 && norm.isFinite ? x.map { $0 / norm } : []
        }
        let rows = words.map { table.vocabulary.index(of: $0)! }
        var mean = [Double](repeating: 0, count: table.dimensions)
        for row in rows { for (j, v) in unit(row).enumerated() { mean[j] += v } }
        var scored: [(Double, Int)] = []
        for row in 0 ..< table.count where !rows.contains(row) {
            let u = unit(row)
            if u.isEmpty { continue }
            scored.append((zip(mean, u).reduce(0) { $0 + $1.0 * $1.1 }, row))
        }
        return scored.sorted { $0.0 > $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }.prefix(k).map { table.vocabulary[$0.1] }
    }

    // MARK: neighbors

    func testNeighborsOfAKnownWordAreSortedAndExcludeTheWord() throws {
        let result = try run(["neighbors", sample, "king", "--top", "7", "--json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = try jsonLines(result.stdout)
        XCTAssertEqual(lines.count, 1)
        let neighbors = lines[0]["neighbors"] as! [[String: Any]]
        let words = neighbors.map { $0["word"] as! String }
        let cosines = neighbors.map { $0["cosine"] as! Double }
        XCTAssertEqual(neighbors.map { $0["rank"] as! Int }, Array(1 ... 7))
        XCTAssertFalse(words.contains("king"))
        XCTAssertEqual(cosines, cosines.sorted(by: >))
        XCTAssertEqual(words, reference(try table(), ["king"], k: 7))
        XCTAssertEqual(words.first, "queen")
    }

    func testTextOutputIsOneHeaderAndAlignedRows() throws {
        let result = try run(["neighbors", sample, "king", "--top", "5"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 6)
        XCTAssertEqual(lines[0], "king")
        XCTAssertTrue(lines[1].hasPrefix("   1  queen "), lines[1])
        // Every score starts in the same column.
        XCTAssertEqual(Set(lines.dropFirst().map { $0.count }).count, 1, result.stdout)
        XCTAssertEqual(result.stderr, "")
    }

    func testQueriesFromStandardInputOneLineEachSeveralWordsAreTheirMean() throws {
        let result = try run(["neighbors", sample, "--top", "5", "--json"], stdin: "king queen\n\n  of \n")
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = try jsonLines(result.stdout)
        XCTAssertEqual(lines.count, 2, "blank lines are skipped")
        XCTAssertEqual(lines[0]["words"] as? [String], ["king", "queen"])
        let mean = (lines[0]["neighbors"] as! [[String: Any]]).map { $0["word"] as! String }
        XCTAssertEqual(mean, reference(try table(), ["king", "queen"], k: 5))
        XCTAssertFalse(mean.contains("king") || mean.contains("queen"))
        XCTAssertEqual(lines[1]["query"] as? String, "of")
    }

    func testUnknownWordsAreReportedAndTheExitStatusSaysWhetherAnythingWasAnswered() throws {
        let mixed = try run(["neighbors", sample, "king", "zzqxv", "--top", "3", "--json"])
        XCTAssertEqual(mixed.status, 0, "one query answered")
        let lines = try jsonLines(mixed.stdout)
        XCTAssertEqual(lines.count, 2)
        XCTAssertEqual(lines[1]["error"] as? String, "unknown word")
        XCTAssertEqual(lines[1]["unknown"] as? [String], ["zzqxv"])
        XCTAssertTrue(mixed.stderr.contains("charvec: error: unknown word 'zzqxv'"), mixed.stderr)
        XCTAssertTrue(mixed.stderr.contains("note: "), mixed.stderr)

        let none = try run(["neighbors", sample], stdin: "zzqxv\nking zzqxw\n")
        XCTAssertEqual(none.status, 1, "nothing could be answered")
        XCTAssertEqual(none.stdout, "")
        XCTAssertTrue(none.stderr.contains("unknown word 'zzqxw'"), "a mean query names its unknown word: \(none.stderr)")
        XCTAssertEqual(none.stderr.components(separatedBy: "note: ").count - 1, 1, "the note is printed once")
    }

    func testZeroAndNonFiniteRowsAreNeverReturnedNorProduceNaN() throws {
        let directory = try Fixtures.temporaryDirectory()
        let path = try Fixtures.write("""
            6 3
            a 1 0 0
            b 0.9 0.1 0
            zero 0 0 0
            c 0 1 0
            bad nan 1 1
            d -1 0 0

            """, named: "zeros.vec", in: directory)
        let result = try run(["neighbors", path, "a", "--top", "10", "--json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let neighbors = try jsonLines(result.stdout)[0]["neighbors"] as! [[String: Any]]
        XCTAssertEqual(neighbors.map { $0["word"] as! String }, ["b", "c", "d"])
        XCTAssertTrue(neighbors.allSatisfy { ($0["cosine"] as! Double).isFinite })
        let zero = try run(["neighbors", path, "zero", "--json"])
        XCTAssertEqual(zero.status, 1)
        XCTAssertEqual(try jsonLines(zero.stdout)[0]["error"] as? String, "zero vector")
        XCTAssertTrue(zero.stderr.contains("no direction"), zero.stderr)
        // A mean whose vectors cancel has no direction either.
        let cancel = try run(["neighbors", path, "a d"])
        XCTAssertEqual(cancel.status, 1)
        XCTAssertFalse(cancel.stdout.lowercased().contains("nan"))
    }

    func testInteractiveModeAnswersLineByLineAndStopsAtAnEmptyLine() throws {
        // `script` gives the command a pseudo-terminal (stdin, stdout and stderr) and forwards our input to it.
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else { throw XCTSkip("needs /usr/bin/script for a terminal") }
        let command = [CLIRunner.executable.path, "neighbors", sample, "--top", "2"].map { "'\($0)'" }.joined(separator: " ")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-qec", command, "/dev/null"]
        let out = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = out
        process.standardInput = input
        try process.run()
        input.fileHandleForWriting.write(Data("king\nof and\n\nmusic\n".utf8))
        // The empty line must end the session; if it did not, fail instead of hanging.
        nonisolated(unsafe) let running = process
        DispatchQueue.global().asyncAfter(deadline: .now() + 30) { if running.isRunning { running.terminate() } }
        let transcript = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try input.fileHandleForWriting.close()
        XCTAssertEqual(process.terminationStatus, 0, transcript)
        XCTAssertTrue(transcript.contains("Type a word"), transcript)
        XCTAssertTrue(transcript.contains("> "), transcript)
        XCTAssertTrue(transcript.contains("   1  queen "), "king answered: \(transcript)")
        XCTAssertEqual(transcript.components(separatedBy: "   1  ").count - 1, 2, "two answers, none after the empty line: \(transcript)")
    }

    // MARK: analogy

    func testAnalogyAddAndMulFindQueenAndExcludeTheInputs() throws {
        for method in [[], ["--cosmul"]] {
            let result = try run(["analogy", sample, "man", "king", "woman", "--top", "5", "--json"] + method)
            XCTAssertEqual(result.status, 0, result.stderr)
            let object = try jsonLines(result.stdout)[0]
            let answers = (object["answers"] as! [[String: Any]]).map { $0["word"] as! String }
            XCTAssertEqual(answers.count, 5)
            XCTAssertEqual(answers.first, "queen", "\(method)")
            XCTAssertTrue(Set(answers).isDisjoint(with: ["man", "king", "woman"]))
            XCTAssertEqual(object["method"] as? String, method.isEmpty ? "3CosAdd" : "3CosMul")
        }
        let text = try run(["analogy", sample, "man", "king", "woman", "--top", "1"])
        XCTAssertEqual(text.stdout.split(separator: "\n").first, "man : king :: woman : ?   (3CosAdd)")
        let unknown = try run(["analogy", sample, "man", "zzqxv", "woman"])
        XCTAssertEqual(unknown.status, 1)
        XCTAssertTrue(unknown.stderr.hasPrefix("charvec: error: unknown word 'zzqxv'"), unknown.stderr)
    }

    // MARK: eval

    func testEvalReproducesGensimOnTheSharedData() throws {
        guard let data = Fixtures.sharedData else { throw XCTSkip(Fixtures.sharedDataMissing) }
        let eval = data.appendingPathComponent("eval")
        let result = try run(["eval", data.appendingPathComponent("en-19k-384d.bin").path,
                              "--pairs", eval.appendingPathComponent("wordsim353.tsv").path,
                              "--pairs", eval.appendingPathComponent("simlex999.txt").path,
                              "--analogies", eval.appendingPathComponent("questions-words.txt").path, "--json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let object = try jsonLines(result.stdout)[0]
        XCTAssertEqual(object["rows"] as? Int, 19719)
        // gensim 4.4.0 evaluate_word_pairs / evaluate_word_analogies with default arguments.
        let expected: [(pearson: Double, spearman: Double, oov: Double)] = [
            (0.7068959040072801, 0.7741594272998373, 30.02832861189802),
            (0.5404727014152758, 0.5205010731375821, 18.21821821821822),
        ]
        let pairs = object["pairs"] as! [[String: Any]]
        XCTAssertEqual(pairs.count, 2)
        for (entry, want) in zip(pairs, expected) {
            XCTAssertEqual(entry["pearson"] as! Double, want.pearson, accuracy: 1e-6)
            XCTAssertEqual(entry["spearman"] as! Double, want.spearman, accuracy: 1e-6)
            XCTAssertEqual(entry["oov_ratio"] as! Double, want.oov, accuracy: 1e-12)
            XCTAssertNil(entry["model"])
        }
        let analogies = (object["analogies"] as! [[String: Any]])[0]
        let total = analogies["total"] as! [String: Any]
        XCTAssertEqual(total["correct"] as? Int, 6273)
        XCTAssertEqual(total["total"] as? Int, 8134)
        XCTAssertEqual(total["accuracy"] as! Double, 0.7712072780919597, accuracy: 1e-15)
        XCTAssertEqual((analogies["semantic"] as! [String: Any])["correct"] as? Int, 2285)
        XCTAssertEqual((analogies["semantic"] as! [String: Any])["total"] as? Int, 3093)
        XCTAssertEqual((analogies["syntactic"] as! [String: Any])["correct"] as? Int, 3988)
        XCTAssertEqual((analogies["syntactic"] as! [String: Any])["total"] as? Int, 5041)
        XCTAssertEqual(analogies["questions"] as? Int, 19544)
        let sections = analogies["sections"] as! [[String: Any]]
        XCTAssertEqual(sections.count, 14)
        XCTAssertEqual(sections.first?["name"] as? String, "capital-common-countries")
        XCTAssertEqual(sections.first?["correct"] as? Int, 265)
    }

    func testEvalRestrictAndInputErrors() throws {
        guard let data = Fixtures.sharedData else { throw XCTSkip(Fixtures.sharedDataMissing) }
        let pairsPath = data.appendingPathComponent("eval/wordsim353.tsv").path
        let restricted = try run(["eval", sample, "--pairs", pairsPath, "--restrict", "500", "--json"])
        XCTAssertEqual(restricted.status, 0, restricted.stderr)
        let full = try run(["eval", sample, "--pairs", pairsPath, "--json"])
        let oov = { (r: CLIResult) in ((try self.jsonLines(r.stdout)[0]["pairs"] as! [[String: Any]])[0]["oov_pairs"] as! Int) }
        XCTAssertGreaterThan(try oov(restricted), try oov(full))
        let missing = try run(["eval", sample, "--pairs", "/nonexistent/pairs.tsv"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertEqual(missing.stderr.split(separator: "\n").first, "/nonexistent/pairs.tsv: error: cannot read: no such file")
        XCTAssertNotEqual(try run(["eval", sample]).status, 0, "at least one file is required")
    }

    // MARK: index

    func testIndexAnswersLikeTheExactScanAndRefusesAnotherTable() throws {
        let directory = try Fixtures.temporaryDirectory()
        let index = directory.appendingPathComponent("sample.hnsw").path
        let build = try run(["index", sample, "--out", index, "--m", "12", "--ef-construction", "100"])
        XCTAssertEqual(build.status, 0, build.stderr)
        XCTAssertTrue(build.stdout.hasPrefix("indexed 2000 rows × 384"), build.stdout)
        let queries = ["king", "of", "city", "music", "school", "water", "january", "film"]
        let approximate = try run(["neighbors", sample, "--index", index, "--ef-search", "100", "--top", "10", "--json"] + queries)
        let exact = try run(["neighbors", sample, "--top", "10", "--json"] + queries)
        XCTAssertEqual(approximate.status, 0, approximate.stderr)
        var overlap = 0
        for (a, e) in zip(try jsonLines(approximate.stdout), try jsonLines(exact.stdout)) {
            let aw = (a["neighbors"] as! [[String: Any]]).map { $0["word"] as! String }
            let ew = (e["neighbors"] as! [[String: Any]]).map { $0["word"] as! String }
            XCTAssertEqual(aw.first, ew.first, "top-1 of \(a["query"]!)")
            XCTAssertFalse(aw.contains(a["query"] as! String))
            overlap += Set(aw).intersection(ew).count
        }
        XCTAssertGreaterThanOrEqual(Double(overlap) / Double(10 * queries.count), 0.9, "recall@10")

        // Another shape.
        let shorter = try run(["neighbors", sample, "--limit", "1000", "--index", index, "king"])
        XCTAssertEqual(shorter.status, 1)
        XCTAssertEqual(shorter.stderr.split(separator: "\n").first { $0.contains("error:") }.map(String.init),
                       "\(index): error: index was built for 2000 rows × 384 dimensions, the table has 1000 × 384")
        XCTAssertTrue(shorter.stderr.contains("note: rebuild it"), shorter.stderr)
        // Same shape, other vectors (row 1 flipped); scaling a row would not matter (unit vectors).
        var other = try table()
        other.matrix.withUnsafeMutableBufferPointer { m in for j in 0 ..< 384 { m[j] = -m[j] } }
        let otherPath = directory.appendingPathComponent("other.vec").path
        try EmbeddingWriter.write(other, to: otherPath, format: .word2vecText)
        let foreign = try run(["neighbors", otherPath, "--index", index, "king"])
        XCTAssertEqual(foreign.status, 1)
        XCTAssertTrue(foreign.stderr.hasPrefix("\(index): error: index does not belong to the table: row 1 ('of')"), foreign.stderr)
    }

    // MARK: --model

    /// A tiny model trained in-process on the sample's first 300 words (seconds in release).
    func trainTinyModel(in directory: URL) throws -> String {
        let data = TrainingData.prepare(table: try table().prefix(300), validationFraction: 0.1)
        var model = CharToVectorConfiguration(vocabularySize: 0)
        model.hiddenSize = 8
        model.characterDimensions = 8
        model.mlpHiddenSize = 16
        var configuration = TrainingConfiguration(model: model)
        configuration.epochs = 1
        let trainer = try Trainer(data: data, configuration: configuration)
        try trainer.run()
        let path = directory.appendingPathComponent("tiny.model").path
        try trainer.bestModel(source: sample).write(to: path)
        return path
    }

    func testModelPredictsUnknownWordsForNeighborsAndEval() throws {
        let directory = try Fixtures.temporaryDirectory()
        let model = try trainTinyModel(in: directory)
        let result = try run(["neighbors", sample, "--model", model, "--top", "4", "--json"], stdin: "kingz\nking kingz\n")
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = try jsonLines(result.stdout)
        XCTAssertEqual(lines.count, 2)
        for line in lines {
            XCTAssertEqual(line["predicted"] as? [String], ["kingz"])
            let neighbors = line["neighbors"] as! [[String: Any]]
            XCTAssertEqual(neighbors.count, 4)
            XCTAssertTrue(neighbors.allSatisfy { ($0["cosine"] as! Double).isFinite })
        }
        XCTAssertFalse((lines[1]["neighbors"] as! [[String: Any]]).contains { $0["word"] as? String == "king" })
        XCTAssertEqual(lines[0]["pulledToward"] as? [String: String], ["kingz": "king"])
        XCTAssertEqual((lines[0]["neighbors"] as! [[String: Any]])[0]["word"] as? String, "king", "the typo lands on its word")
        let text = try run(["neighbors", sample, "--model", model, "kingz", "--top", "1"])
        XCTAssertTrue(text.stdout.hasPrefix("kingz  (predicted by the model: kingz; kingz is one edit from king)\n   1  king  "),
                      text.stdout)
        let alone = try run(["neighbors", sample, "--model", model, "kingz", "--top", "1", "--spelling-weight", "0", "--json"])
        XCTAssertNil(try jsonLines(alone.stdout)[0]["pulledToward"], "--spelling-weight 0: the model alone")
        for bad in ["-1", "nan", "inf", "101"] {
            let refused = try run(["neighbors", sample, "--model", model, "kingz", "--spelling-weight", bad])
            XCTAssertEqual(refused.status, 64, bad)
            XCTAssertTrue(refused.stderr.contains("--spelling-weight"), refused.stderr)
        }

        guard let shared = Fixtures.sharedData else { throw XCTSkip(Fixtures.sharedDataMissing) }
        let pairsPath = shared.appendingPathComponent("eval/wordsim353.tsv").path
        let eval = try run(["eval", sample, "--pairs", pairsPath, "--model", model, "--json"])
        XCTAssertEqual(eval.status, 0, eval.stderr)
        let plain = try run(["eval", sample, "--pairs", pairsPath, "--json"])
        let withModel = (try jsonLines(eval.stdout)[0]["pairs"] as! [[String: Any]])[0]
        let without = (try jsonLines(plain.stdout)[0]["pairs"] as! [[String: Any]])[0]
        XCTAssertEqual(withModel["spearman"] as? Double, without["spearman"] as? Double, "the vocabulary-only score is unchanged")
        let modelPart = withModel["model"] as! [String: Any]
        XCTAssertEqual(modelPart["scored"] as? Int, 353, "no pair is skipped with a model")
        XCTAssertEqual(modelPart["embedded_pairs"] as? Int, withModel["oov_pairs"] as? Int)
        XCTAssertGreaterThan(modelPart["predicted_words"] as! Int, 0)
        XCTAssertTrue((modelPart["spearman"] as! Double).isFinite)
    }

    func testHelpListsTheSearchCommands() throws {
        let help = try run(["--help"])
        for command in ["neighbors", "analogy", "eval", "index"] {
            XCTAssertTrue(help.stdout.contains(command), "missing \(command) in --help")
        }
    }
}
