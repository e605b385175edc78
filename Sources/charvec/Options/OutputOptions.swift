import ArgumentParser
import EmbeddingCore
import EmbeddingIO

extension TableFileFormat: ExpressibleByArgument {}
extension ValuePrecision: ExpressibleByArgument {}

/// Output flags shared by `convert` and `select`.
///
/// Without `--to`, the format follows OUT's extension as gensim users expect (`.vec`/`.txt`
/// word2vec text, `.bin` word2vec binary, `.npy`, `.safetensors`), else the input's; without
/// `--gzip`/`--no-gzip`, a `.gz` suffix compresses. Explicit flags win, with a warning when they
/// contradict the extension.
struct OutputOptions: ParsableArguments {
    @Option(help: "Output format: text, binary, glove, npy, safetensors. Default: from OUT's extension, else the input's.")
    var to: TableFileFormat?

    @Flag(inversion: .prefixedNo, help: "Compress the output with gzip (text and binary only). Default: when OUT ends in .gz.")
    var gzip: Bool?

    @Option(help: "Value precision for npy and safetensors: f32 or f16 (prints the reconstruction cosine).")
    var precision: ValuePrecision = .float32

    func validate() throws {
        if to == .fastText { throw ValidationError("fastText models can be read but not written; use --to text or --to binary.") }
    }

    /// The format and compression for `output`, with warnings for flags that contradict its name.
    func resolve(output: String, inputFormat: TableFileFormat) throws -> (format: TableFileFormat, gzip: Bool, warnings: [String]) {
        let inferred = output == "-" ? (format: nil, gzip: false) : TableFileFormat.inferred(fromName: output)
        var warnings: [String] = []
        if let to, let named = inferred.format, named != to, !(to == .glove && named == .word2vecText) {
            warnings.append("writing \(to.rawValue) (--to) although the name suggests \(named.rawValue)")
        }
        if let gzip, gzip != inferred.gzip, output != "-" {
            warnings.append(gzip ? "compressing (--gzip) although the name does not end in .gz"
                                 : "not compressing (--no-gzip) although the name ends in .gz")
        }
        let fallback = inputFormat.isWritable ? inputFormat : .word2vecText
        let format = to ?? inferred.format ?? fallback
        let compress = gzip ?? inferred.gzip
        if compress && !format.supportsGzip {
            throw ValidationError("\(format.rawValue) output cannot be gzipped (it is meant to be memory-mapped); drop --gzip or the .gz suffix.")
        }
        if precision == .float16 && !format.supportsHalfPrecision {
            throw ValidationError("--precision f16 applies to npy and safetensors output, not \(format.rawValue).")
        }
        return (format, compress, warnings)
    }

    /// Writes `table` as resolved for `output`, printing warnings, the summary line and, for float16,
    /// the reconstruction cosines (all on stderr).
    func write(_ table: EmbeddingTable, to output: String, inputFormat: TableFileFormat) throws {
        let (format, compress, warnings) = try resolve(output: output, inputFormat: inputFormat)
        for warning in warnings { Diagnostics.printWarning(output, warning) }
        let precisionReport = try reportingErrors {
            try TableFile.write(table, to: output, format: format, gzip: compress, precision: precision)
        }
        if output != "-" {
            let extra = format == .numpy ? " (+ \(output.lowercased().hasSuffix(".npy") ? String(output.dropLast(4)) : output).vocab.txt)" : ""
            Diagnostics.printLine("wrote \(table.count) × \(table.dimensions) as \(format)\(compress ? ", gzip" : "")"
                + "\(precision == .float16 ? ", float16" : "") to \(output)\(extra)")
        }
        if let r = precisionReport {
            if r.meanCosine.isNaN {
                Diagnostics.printLine("float16 reconstruction cosine: no row with a direction to compare")
            } else {
                Diagnostics.printLine(String(format: "float16 reconstruction cosine: mean %.8f, minimum %.8f (row %d, '%@'); 1 - cosine at most %.2g",
                                             r.meanCosine, r.minimumCosine, r.minimumRow + 1, table.vocabulary[r.minimumRow],
                                             1 - r.minimumCosine))
            }
            if r.skippedRows > 0 { Diagnostics.printNote("\(r.skippedRows) zero or non-finite rows left out of the cosines") }
            if r.overflowedValues > 0 {
                Diagnostics.printWarning(output, "\(r.overflowedValues) values exceed float16's range (±65504) and became ±infinity")
            }
        }
    }
}

extension TensorFileError: DiagnosableError {
    var diagnostic: String { description }
    var note: String? { hint }
}
