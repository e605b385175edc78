import ArgumentParser
import EmbeddingCore
import EmbeddingIO

extension CharVec {
    struct Convert: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Convert between word2vec text, word2vec binary and GloVe text, optionally gzipped.",
            discussion: """
            The output is written to a temporary file beside OUT (.OUT.tmp-XXXXXX) and renamed into place, \
            so an interrupted run leaves the previous OUT untouched. Text values use the shortest form that \
            reads back to the same float32, so text → binary → text is bit-exact.

            Examples:
              charvec convert vectors.vec vectors.bin --to binary
              charvec convert vectors.bin vectors.vec.gz --to text --gzip
              charvec convert vectors.vec - --to glove | head
            """)

        @Argument(help: "The input file ('-' for standard input).")
        var input: String

        @Argument(help: "The output file ('-' for standard output).")
        var output: String

        @Option(help: "Output format: text (word2vec), binary (word2vec), glove (text, no header). Default: the input's.")
        var to: EmbeddingFormat?

        @Flag(help: "Compress the output with gzip.")
        var gzip = false

        @OptionGroup var inputOptions: InputOptions

        func run() throws {
            let (table, report) = try reportingErrors { try EmbeddingReader.load(input, options: inputOptions.readOptions) }
            for note in report.notes { Diagnostics.printNote("\(input): \(note)") }
            let format = to ?? report.format
            try reportingErrors { try EmbeddingWriter.write(table, to: output, format: format, gzip: gzip) }
            if output != "-" {
                Diagnostics.printLine("wrote \(table.count) × \(table.dimensions) as \(format)\(gzip ? ", gzip" : "") to \(output)")
            }
        }
    }
}
