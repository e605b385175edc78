import ArgumentParser
import EmbeddingAudit
import EmbeddingCore
import EmbeddingIO

extension SanitizePolicy.BadRows: ExpressibleByArgument {}
extension SanitizePolicy.Duplicates: ExpressibleByArgument {}
extension SanitizePolicy.Lowercase: ExpressibleByArgument {}
extension SanitizePolicy.InvalidUTF8: ExpressibleByArgument {}

extension CharVec {
    struct Sanitize: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a repaired copy of an embedding file; every change is counted and can be logged row by row.",
            discussion: """
            Rows with the wrong number of values or a non-numeric value are dropped; invalid UTF-8 bytes in \
            words become U+FFFD; whitespace, control and invisible format characters in words become '_'; empty words are \
            dropped; the header gets the true count. Kept rows are bit-exact unless --normalize, a mean \
            policy or --lowercase mean changes them. OUT is written to a temporary file and renamed; \
            it may not be the input file. A header that is not two integers ('2.0 3') is rewritten from \
            the dimension the rows agree on. A copy that would keep fewer than half of the rows is \
            refused (a misread header or format is the likely cause) unless --force.

            Examples:
              charvec sanitize vectors.vec repaired.vec --log changes.tsv
              charvec sanitize in.vec.gz out.bin --to binary --duplicates mean --normalize
            """)

        @Argument(help: "The input file ('-' for standard input).")
        var input: String

        @Argument(help: "The repaired output file ('-' for standard output).")
        var output: String

        @Option(help: "All-zero rows: drop, keep, or mean (replace with the mean of the good rows).")
        var zeroRows: SanitizePolicy.BadRows = .drop

        @Option(help: "Rows with NaN or infinite values: drop, keep, or mean.")
        var nonFiniteRows: SanitizePolicy.BadRows = .drop

        @Option(help: "Duplicated words: keep the first, the last, or the mean of all occurrences.")
        var duplicates: SanitizePolicy.Duplicates = .first

        @Option(help: "Merge words equal after NFKC + lowercase: first (the earliest, most frequent row) or mean.")
        var lowercase: SanitizePolicy.Lowercase?

        @Flag(help: "Scale every row to unit L2 norm.")
        var normalize = false

        @Option(help: "Words that are not valid UTF-8: replace the bad bytes with U+FFFD, or drop the row.")
        var invalidUtf8: SanitizePolicy.InvalidUTF8 = .replace

        @Option(help: "Output format (text, binary, glove). Default: the input's.")
        var to: EmbeddingFormat?

        @Flag(help: "Compress the output with gzip.")
        var gzip = false

        @Option(help: "Write every change as a tab-separated line (action, row, location, word, reason) to this file.")
        var log: String?

        @Option(help: "Force the input format instead of detecting it (text, binary, glove).")
        var format: EmbeddingFormat?

        @Flag(help: "Print the summary as JSON.")
        var json = false

        @Flag(help: "Write the copy even when it drops more than half of the rows.")
        var force = false

        @Option(help: "Threads for parsing text.")
        var threads: Int = 2

        func validate() throws {
            try OptionValidation.threads(threads)
            // Checked before reading: a refused run must leave no trace.
            if FileIdentity.same(input, output) {
                throw ValidationError("OUT '\(output)' is the input file: sanitize never writes in place; choose another path.")
            }
        }

        func run() throws {
            var policy = SanitizePolicy()
            policy.zeroRows = zeroRows
            policy.nonFiniteRows = nonFiniteRows
            policy.duplicates = duplicates
            policy.lowercase = lowercase
            policy.normalize = normalize
            policy.invalidUTF8 = invalidUtf8
            let result = try reportingErrors(exitCode: 2) {
                try Sanitizer.sanitize(input, policy: policy, read: ReadOptions(format: format, threads: threads))
            }
            let outputFormat = to ?? result.format
            if !force && result.inputRows > 0 && 2 * result.table.count < result.inputRows {
                let example = result.changes.first { $0.action == .dropped }
                    .map { "row \($0.row.map { String($0 + 1) } ?? "?") dropped: \($0.reason)" } ?? "most rows were dropped"
                try reportingErrors {
                    throw CommandError.mostRowsDropped(path: input, kept: result.table.count, read: result.inputRows,
                                                       dimensions: result.table.dimensions, example: example)
                }
            }
            try reportingErrors {
                try EmbeddingWriter.write(result.table, to: output, format: outputFormat, gzip: gzip)
                if let log {
                    let file = try OutputFile(path: log)
                    try file.write("action\trow\tlocation\tword\treason\n")
                    for change in result.changes { try file.write(change.logLine + "\n") }
                    try file.commit()
                }
            }
            let counts = result.counts
            if json {
                let entries = counts.keys.map(\SanitizeChange.Action.rawValue).sorted().map { key in
                    "\"\(key)\":\(counts[SanitizeChange.Action(rawValue: key)!]!)"
                }
                print("{\"input_rows\":\(result.inputRows),\"output_rows\":\(result.table.count),\"dimensions\":\(result.table.dimensions),\"changes\":{\(entries.joined(separator: ","))}}")
                return
            }
            let summary = counts.keys.map(\SanitizeChange.Action.rawValue).sorted()
                .map { "\($0): \(counts[SanitizeChange.Action(rawValue: $0)!]!)" }.joined(separator: ", ")
            Diagnostics.printLine("read \(pluralized(result.inputRows, "row")), wrote \(result.table.count) × \(result.table.dimensions) as \(outputFormat)\(gzip ? ", gzip" : "") to \(output)")
            Diagnostics.printLine(summary.isEmpty ? "no changes: the input was clean" : "changes: \(summary)")
            if log == nil {
                for change in result.changes.prefix(20) {
                    Diagnostics.printLine("  \(change.location): \(change.action.rawValue)"
                        + (change.word.isEmpty ? "" : " '\(DisplayText.word(change.word))'") + ": \(Audit.shortened(change.reason))")
                }
                if result.changes.count > 20 { Diagnostics.printLine("  … \(result.changes.count - 20) more; --log FILE lists them all") }
            }
        }
    }
}
