import EmbeddingCore
import EmbeddingIO
import Foundation
import Training

/// Loading steps shared by `neighbors`, `analogy`, `eval` and `index`.
enum TableLoading {
    /// Loads `path` with a progress bar on stderr when stderr is a terminal (silent otherwise),
    /// printing the reader's notes (duplicates, NaN rows, …) as `note:` lines.
    static func load(_ path: String, input: InputOptions) throws -> EmbeddingTable {
        let progress = ProgressBar(label: "loading", enabled: Diagnostics.stderrIsTerminal)
        let (table, report) = try reportingErrors {
            try EmbeddingReader.load(path, options: input.readOptions) { done, total in progress.update(done, total) }
        }
        progress.finish()
        for note in report.notes { Diagnostics.printNote("\(path): \(note)") }
        return table
    }

    /// Reads a model written by `charvec train`, applies `options`, and checks that it predicts `dimensions`-dimensional vectors.
    static func predictor(_ path: String, dimensions: Int, threads: Int, options: ModelOptions) throws -> Predictor {
        let model = try options.apply(to: try reportingErrors {
            try InputPath.check(path)
            return try TrainedModel.read(path)
        }, path: path)
        let predicts = model.configuration.outputDimensions
        guard predicts == dimensions else {
            return try reportingErrors {
                throw CommandError.modelDimensionMismatch(path: path, modelDimensions: predicts, tableDimensions: dimensions)
            }
        }
        return model.makePredictor(threads: threads)
    }

    /// Reads a whole text file (UTF-8; invalid bytes become U+FFFD; a leading byte-order mark is dropped).
    static func readText(_ path: String) throws -> String {
        try reportingErrors {
            try InputPath.check(path)
            guard let data = FileManager.default.contents(atPath: path) else {
                throw CommandError.cannotRead(path: path, reason: "permission denied or not a file")
            }
            let text = String(decoding: data, as: UTF8.self)
            return text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
        }
    }
}

/// Prints one line of JSON (sorted keys) for an `Encodable` value.
func printJSON(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    let data = try encoder.encode(value)
    print(String(decoding: data, as: UTF8.self))
}
