import ArgumentParser
import EmbeddingCore
import EmbeddingIO
import Foundation
import NeighborSearch
import Training

extension CharVec {
    struct Embed: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Predict vectors for words (in or out of vocabulary) with a trained model.",
            discussion: """
            Words come from the arguments, or one per line from standard input. Characters the model \
            never saw map to its unknown-character slot.

            Examples:
              charvec embed model.cvm goverment kingdomz
              charvec embed model.cvm --to json < words.txt
              charvec embed model.cvm unfriendliness --normalize --output oov.vec
              charvec embed cc.en.300.bin kingdomz
            """)

        @Argument(help: "A model written by 'charvec train', or a fastText .bin model (vectors from its n-grams).")
        var model: String

        @Argument(help: "Words to embed (default: read them from standard input, one per line).")
        var words: [String] = []

        @Option(help: "Output: text (word2vec text), binary (word2vec binary) or json.")
        var to: OutputKind = .text

        @Option(name: [.customLong("out"), .customLong("output")], help: "Write here instead of standard output (atomically).")
        var output: String = "-"

        @Flag(help: "Same as '--to json' (as in the other commands).")
        var json = false

        @Flag(help: "Scale each vector to unit L2 norm.")
        var normalize = false

        @Option(help: "Threads.")
        var threads: Int = 1

        @OptionGroup var modelOptions: ModelOptions

        enum OutputKind: String, ExpressibleByArgument, CaseIterable { case text, binary, json }

        func validate() throws {
            try OptionValidation.threads(threads)
            if json && to == .binary { throw ValidationError("--json and --to binary disagree; give one of them.") }
        }

        /// The output kind, --json included.
        var kind: OutputKind { json ? .json : to }

        func run() throws {
            try reportingErrors { try InputPath.check(model) }
            let isFastText = TableFile.detectForeignFormat(model) == .fastText
            if isFastText && modelOptions.subwordWeight != nil {
                throw ValidationError("--subword-weight applies to models written by 'charvec train', not to fastText models.")
            }
            let fastText = isFastText ? try reportingErrors { try FastTextModel(path: model) } : nil
            let trained = fastText == nil ? try reportingErrors { try TrainedModel.read(model) } : nil
            var words = self.words
            if words.isEmpty {
                // A byte-order mark opening standard input is not part of the first word.
                for line in QueryLines({ readLine() }) {
                    if let word = QueryInput.embedWord(line) { words.append(word) }
                }
            }
            guard !words.isEmpty else { throw ValidationError("no words to embed (pass them as arguments or on standard input)") }
            var vectors: RowMatrix
            if let fastText {
                vectors = fastText.wordVectors(of: words)
            } else {
                vectors = try modelOptions.apply(to: trained!, path: model).makePredictor(threads: threads).predict(words)
            }
            if normalize { L2.normalizeRows(&vectors) }
            if kind == .json {
                for (i, word) in words.enumerated() {
                    let object: [String: Any] = ["word": word, "vector": vectors.row(i).map(Double.init)]
                    let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
                    print(String(decoding: data, as: UTF8.self))
                }
                return
            }
            var table = EmbeddingTable(dimensions: vectors.columns)
            for (i, word) in words.enumerated() { vectors.withRow(i) { table.append(word, $0) } }
            try reportingErrors {
                try EmbeddingWriter.write(table, to: output, format: kind == .binary ? .word2vecBinary : .word2vecText)
            }
        }
    }

    struct Extend: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a table plus predicted vectors for the out-of-vocabulary words of a word list.",
            discussion: """
            Predicted vectors are scaled to the mean L2 norm of the table's rows (the model predicts \
            unit-norm directions), so they sit among the original vectors; --scale none keeps them unit-norm.

            Example:
              charvec extend vectors.vec model.cvm new-words.txt --out extended.vec
            """)

        @Argument(help: "The original embedding table.")
        var vectors: String
        @Argument(help: "A model written by 'charvec train'.")
        var model: String
        @Argument(help: "Words (one per line) to add when they are not in the table.")
        var words: String
        @Option(help: "The extended table to write.")
        var out: String
        @Option(help: "Output format (text, binary, glove). Default: the input's.")
        var to: EmbeddingFormat?
        @Flag(help: "Compress the output with gzip.")
        var gzip = false
        @Option(help: "Scale predicted vectors to the table's mean norm (mean-norm) or leave them unit-norm (none).")
        var scale: Scale = .meanNorm
        @OptionGroup var modelOptions: ModelOptions
        @OptionGroup var input: InputOptions

        enum Scale: String, ExpressibleByArgument, CaseIterable { case meanNorm = "mean-norm", none }

        func run() throws {
            // The word list and the model are checked before the (long) load of the table.
            let list = try TableLoading.readText(words)
            try reportingErrors { try InputPath.check(model) }
            var (table, report) = try reportingErrors { try EmbeddingReader.load(vectors, options: input.readOptions) }
            let predictor = try TableLoading.predictor(model, dimensions: table.dimensions, threads: input.threads, options: modelOptions)
            var seen = Set<String>()
            let oov = list.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty && !table.vocabulary.contains($0) && seen.insert($0).inserted }
            var predicted = predictor.predict(oov)
            L2.normalizeRows(&predicted)
            var factor: Scalar = 1
            if scale == .meanNorm {
                var sum = 0.0, n = 0
                for r in 0 ..< table.count {
                    let norm = table.matrix.withRow(r) { L2.norm($0) }
                    if norm.isFinite && norm > 0 { sum += norm; n += 1 }
                }
                factor = n > 0 ? Scalar(sum / Double(n)) : 1
            }
            for (i, word) in oov.enumerated() { predicted.withRow(i) { v in table.append(word, v.map { $0 * factor }) } }
            try reportingErrors { try EmbeddingWriter.write(table, to: out, format: to ?? report.format, gzip: gzip) }
            Diagnostics.printLine("wrote \(table.count - oov.count) original rows and \(oov.count) predicted rows to \(out)")
        }
    }
}
