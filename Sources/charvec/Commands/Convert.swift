import ArgumentParser
import EmbeddingCore
import EmbeddingIO

extension CharVec {
    struct Convert: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Convert between word2vec text and binary, GloVe, NumPy .npy, safetensors (and from fastText .bin).",
            discussion: """
            The output is written to a temporary file beside OUT (.OUT.tmp-XXXXXX) and renamed into place, \
            so an interrupted run leaves the previous OUT untouched. Text values use the shortest form that \
            reads back to the same float32, so text → binary → text is bit-exact.

            Examples:
              charvec convert vectors.vec vectors.bin --to binary
              charvec convert vectors.bin vectors.vec.gz --to text --gzip
              charvec convert vectors.vec - --to glove | head
              charvec convert vectors.vec vectors.npy --precision f16
              charvec convert cc.en.300.bin cc.en.300.safetensors

            Without --to, the format follows OUT's extension (.vec/.txt word2vec text, .bin binary, \
            .npy, .safetensors; .gz compresses), else the input's. See docs/formats.md.
            """)

        @Argument(help: "The input file ('-' for standard input).")
        var input: String

        @Argument(help: "The output file ('-' for standard output).")
        var output: String

        @OptionGroup var outputOptions: OutputOptions

        @OptionGroup var inputOptions: InputOptions

        func run() throws {
            let (table, report) = try reportingErrors { try EmbeddingReader.load(input, options: inputOptions.readOptions) }
            for note in report.notes { Diagnostics.printNote("\(input): \(note)") }
            try outputOptions.write(table, to: output, inputFormat: report.fileFormat)
        }
    }
}
