import ArgumentParser
import EmbeddingCore
import EmbeddingIO
import Foundation

extension CharVec {
    struct Info: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load an embedding file and describe it: format, rows, dimension, size, first words, load time.",
            discussion: """
            What the reader tolerated (a byte-order mark, CRLF line ends, trailing spaces, fields separated by tabs, \
            duplicate words, NaN rows) is listed as notes; 'charvec audit' lists every problem row. A file that cannot be read \
            exits with status 1 and the position of the first error (path:line:column).

            Examples:
              charvec info vectors.vec.gz
              charvec info vectors.bin --json
              gzip -dc vectors.vec.gz | charvec info -
            """)

        @Argument(help: "The embedding file ('-' for standard input).")
        var file: String

        @OptionGroup var input: InputOptions

        @Option(help: "How many of the first words to show.")
        var show: Int = 5

        @Flag(help: "Print one JSON object instead of text.")
        var json = false

        func validate() throws {
            try OptionValidation.range(show, 0 ... Int.max, option: "--show")
        }

        func run() throws {
            let start = DispatchTime.now()
            let (table, report) = try reportingErrors { try EmbeddingReader.load(file, options: input.readOptions) }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
            let first = (0 ..< min(show, table.count)).map { table.vocabulary[$0] }
            if json {
                var object: [String: Any] = [
                    "path": file, "format": report.fileFormat.rawValue, "gzip": report.isGzip,
                    "count": table.count, "dimensions": table.dimensions,
                    "bytes_read": report.bytesRead, "load_seconds": seconds,
                    "first_words": first, "notes": report.notes,
                    "duplicate_rows": report.duplicateRows, "non_finite_rows": report.nonFiniteRows,
                    "invalid_utf8_rows": report.invalidUTF8Rows,
                ]
                if let size = report.fileSize { object["file_bytes"] = size }
                if let header = report.header { object["header_count"] = header.count }
                if let newline = report.binaryRowsEndWithNewline { object["binary_rows_end_with_newline"] = newline }
                object["kernels"] = BLASKernels.report
                if let model = fastTextSummary(report) { object["fasttext_model"] = model }
                let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
                print(String(decoding: data, as: UTF8.self))
                return
            }
            print("file:        \(file)")
            print("format:      \(report.fileFormat)\(report.isGzip ? ", gzip" : "")")
            print("rows:        \(table.count)")
            print("dimensions:  \(table.dimensions)")
            if let model = fastTextSummary(report) { print("model:       \(model)") }
            if let size = report.fileSize {
                print("bytes:       \(size) on disk\(report.isGzip ? ", \(report.bytesRead) decompressed" : "")")
            } else {
                print("bytes:       \(report.bytesRead) read")
            }
            print("matrix:      \(formatBytes(table.count * table.dimensions * 4)) of float32")
            print("first words: \(first.map(DisplayText.word).joined(separator: " "))")
            print(String(format: "load time:   %.3f s (%.0f MB/s)", seconds,
                         Double(report.bytesRead) / 1e6 / max(seconds, 1e-9)))
            for note in report.notes { print("note:        \(DisplayText.escaped(note))") }
        }
    }
}

func formatBytes(_ bytes: Int) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB"]
    var value = Double(bytes)
    var unit = 0
    while value >= 1024 && unit < units.count - 1 { value /= 1024; unit += 1 }
    return unit == 0 ? "\(bytes) B" : String(format: "%.1f %@", value, units[unit])
}

/// "skipgram, n-grams of 3–6 characters in 2000000 buckets, 2 labels" for a fastText model.
func fastTextSummary(_ report: LoadReport) -> String? {
    guard report.fileFormat == .fastText, let model = try? FastTextModel(path: report.path) else { return nil }
    let a = model.arguments
    let ngrams = a.maximumNgramLength > 0 && a.buckets > 0
        ? "character n-grams of \(a.minimumNgramLength)–\(a.maximumNgramLength) in \(a.buckets) buckets (vectors for any word)"
        : "no character n-grams"
    return "\(a.modelName), \(ngrams)\(model.labelCount > 0 ? ", \(model.labelCount) labels" : "")"
}
