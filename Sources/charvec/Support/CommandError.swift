import EmbeddingCore
import NeighborSearch
import Training

/// An error the CLI can print as one `error:` line plus an optional `note:` line.
protocol DiagnosableError: Error {
    /// The whole first line, e.g. `path: error: message`.
    var diagnostic: String { get }
    /// A suggestion printed as `note: …`.
    var note: String? { get }
}

/// Failures of the search and evaluation commands that are not a library's own error.
enum CommandError: Error, Equatable, DiagnosableError {
    /// The index file was built from a table with another shape.
    case indexShapeMismatch(path: String, indexRows: Int, indexDimensions: Int, tableRows: Int, tableDimensions: Int)
    /// The index has the table's shape but holds other vectors (first differing row given).
    case indexContentMismatch(path: String, row: Int, word: String)
    /// The model predicts vectors of another dimension than the table's.
    case modelDimensionMismatch(path: String, modelDimensions: Int, tableDimensions: Int)
    /// A file given with an option could not be read.
    case cannotRead(path: String, reason: String)
    /// Analogy words that are not in the table.
    case unknownWords([String])
    /// Analogy words whose row has no direction (all zeros, NaN or ±Inf).
    case zeroVectors([String])
    /// `demo` found the bundled sample in none of these folders.
    case missingBundledData(looked: [String])
    /// `sanitize` would drop most rows: the header, the format or the dimension is likely misread.
    case mostRowsDropped(path: String, kept: Int, read: Int, dimensions: Int, example: String)
    /// `demo` could not create or write its output folder.
    case cannotWriteFolder(path: String, reason: String)

    var diagnostic: String {
        switch self {
        case .indexShapeMismatch(let path, let ir, let id, let tr, let td):
            return "\(path): error: index was built for \(ir) rows × \(id) dimensions, the table has \(tr) × \(td)"
        case .indexContentMismatch(let path, let row, let word):
            return "\(path): error: index does not belong to the table: row \(row + 1) ('\(word)') holds a different vector"
        case .modelDimensionMismatch(let path, let m, let t):
            return "\(path): error: model predicts \(m)-dimensional vectors, the table has \(t) dimensions"
        case .cannotRead(let path, let reason):
            return "\(path): error: cannot read: \(reason)"
        case .unknownWords(let words):
            return "charvec: error: unknown word\(words.count == 1 ? "" : "s") " + words.map { "'\($0)'" }.joined(separator: ", ")
        case .zeroVectors(let words):
            return "charvec: error: no direction (zero or non-finite vector) for " + words.map { "'\($0)'" }.joined(separator: ", ")
        case .missingBundledData(let looked):
            return "charvec: error: cannot find the bundled sample (en-2k-384d.vec.gz, planted-defects.vec); looked in "
                + looked.joined(separator: " and ")
        case .cannotWriteFolder(let path, let reason):
            return "\(path): error: cannot write: \(reason)"
        case .mostRowsDropped(let path, let kept, let read, let dimensions, let example):
            return "\(path): error: the repaired copy would keep only \(kept) of \(pluralized(read, "row")) "
                + "(\(dimensions) value\(dimensions == 1 ? "" : "s") each; \(example)); nothing was written"
        }
    }

    var note: String? {
        switch self {
        case .indexShapeMismatch, .indexContentMismatch:
            return "rebuild it with 'charvec index VECTORS --out INDEX' from this table (same --limit and --lowercase)"
        case .modelDimensionMismatch:
            return "use a model trained on a table of the same dimension ('charvec train')"
        case .cannotRead:
            return "check the path and the permissions"
        case .unknownWords:
            return "words are matched exactly (case too); 'charvec neighbors --model MODEL' can predict vectors for unknown words"
        case .zeroVectors:
            return "run 'charvec audit' to list such rows, 'charvec sanitize' to repair them"
        case .missingBundledData:
            return "build with 'swift build -c release --product charvec'; a copied binary needs charvec_BundledData.resources beside it"
        case .cannotWriteFolder:
            return "choose another folder with --out"
        case .mostRowsDropped:
            return "check the header and the format ('charvec audit' shows what the rows hold, --format forces one); --force writes the copy anyway"
        }
    }
}

extension HNSWFileError: DiagnosableError {
    var diagnostic: String {
        // Descriptions start with the path; put "error:" after the location part.
        let text = description
        if let colon = text.range(of: ": ") {
            return text[..<colon.lowerBound] + ": error: " + text[colon.upperBound...]
        }
        return "charvec: error: \(text)"
    }

    var note: String? {
        switch self {
        case .cannotOpen: return "check the path and the permissions"
        case .unsupportedVersion: return nil
        default: return "rebuild the index with 'charvec index VECTORS --out INDEX'"
        }
    }
}

extension ModelFileError: DiagnosableError {
    var diagnostic: String { description }
    var note: String? { hint }
}

extension EvaluationError: DiagnosableError {
    var diagnostic: String { "charvec: error: \(description)" }
    var note: String? {
        switch self {
        case .questionBeforeSection: return "questions-words.txt format: ': section-name' lines, then 'a b c d' lines"
        case .noPairsInVocabulary: return "the pairs file needs 'word1<TAB>word2<TAB>score' lines (see --delimiter); --model can embed unknown words"
        case .noQuestionsInVocabulary: return nil
        }
    }
}
