import ArgumentParser
import EmbeddingCore
import EmbeddingIO
import Foundation

extension CharVec {
    struct Select: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a subset of a table: the rows of a word list, in the list's order, or the first N rows.",
            discussion: """
            --words reads one word per line (surrounding whitespace and blank lines ignored; '-' reads \
            standard input). Words the table lacks are reported on stderr and skipped; a word listed \
            twice is written once. When no listed word is in the table nothing is written and the exit \
            status is 1. --top N keeps the first N rows in file order (the most frequent ones in \
            word2vec, GloVe and fastText files).

            The output format works as in 'convert': --to, else OUT's extension, else the input's.

            Examples:
              charvec select vectors.vec.gz --words words.txt --out subset.vec
              charvec select cc.en.300.bin --top 50000 --out top50k.npy --precision f16
            """)

        @Argument(help: "The embedding file ('-' for standard input).")
        var vectors: String

        @Option(help: "A file of words, one per line ('-' for standard input).")
        var words: String?

        @Option(help: "Keep the first N rows in file order.")
        var top: Int?

        @Option(help: "The output file ('-' for standard output).")
        var out: String

        @OptionGroup var outputOptions: OutputOptions

        @OptionGroup var input: InputOptions

        func validate() throws {
            guard (words == nil) != (top == nil) else { throw ValidationError("give either --words LIST or --top N.") }
            if let top, top <= 0 { throw ValidationError("--top must be positive (got \(top)).") }
            if words == "-" && vectors == "-" { throw ValidationError("the table and the word list cannot both come from standard input.") }
        }

        func run() throws {
            var options = input.readOptions
            if let top { options.limit = min(top, options.limit ?? top) }
            let (table, report) = try reportingErrors { try EmbeddingReader.load(vectors, options: options) }
            for note in report.notes where !(top != nil && note.hasPrefix("stopped after")) {
                Diagnostics.printNote("\(vectors): \(note)")
            }
            guard let words else {
                return try outputOptions.write(table, to: out, inputFormat: report.fileFormat)
            }
            let list = try readList(words)
            let (subset, missing, repeated) = Self.select(list.map { input.lowercase ? $0.lowercased() : $0 }, from: table)
            if repeated > 0 { Diagnostics.printNote("\(words): \(repeated) repeated word\(repeated == 1 ? "" : "s") written once") }
            if !missing.isEmpty {
                let shown = missing.prefix(20).map { "'\($0)'" }.joined(separator: ", ") + (missing.count > 20 ? ", …" : "")
                Diagnostics.printWarning(words, "\(missing.count) of \(list.count) words not in \(vectors): \(shown)")
            }
            guard subset.count > 0 else {
                Diagnostics.printLine("\(words): error: none of the \(list.count) listed words is in \(vectors); nothing written")
                Diagnostics.printNote("words are compared byte for byte; try --lowercase if the list and the table differ in case")
                throw ExitCode.failure
            }
            try outputOptions.write(subset, to: out, inputFormat: report.fileFormat)
        }

        /// The words of a list file: one per line, trimmed, blank lines skipped.
        func readList(_ path: String) throws -> [String] {
            let text: String
            if path == "-" {
                var lines: [String] = []
                while let line = readLine() { lines.append(line) }
                text = lines.joined(separator: "\n")
            } else {
                text = try TableLoading.readText(path)
            }
            return text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }

        /// The rows of `words` in their order (each word once), the words not found, and how many repeats were skipped.
        static func select(_ words: [String], from table: EmbeddingTable) -> (EmbeddingTable, missing: [String], repeated: Int) {
            var vocabulary = Vocabulary()
            var matrix = RowMatrix(columns: table.dimensions, reservingRows: words.count)
            var missing: [String] = [], seen = Set<String>(), repeated = 0
            for word in words {
                guard seen.insert(word).inserted else { repeated += 1; continue }
                guard let row = table.vocabulary.index(of: word) else { missing.append(word); continue }
                table.vocabulary.bytes(at: row).withUnsafeBytes { _ = vocabulary.append(bytes: $0) }
                table.matrix.withRow(row) { matrix.appendRow($0) }
            }
            return (EmbeddingTable(vocabulary: vocabulary, matrix: matrix), missing, repeated)
        }
    }
}
