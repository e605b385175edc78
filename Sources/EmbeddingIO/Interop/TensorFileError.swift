import EmbeddingCore

/// Why a NumPy, safetensors or fastText file could not be read. Each case carries where in
/// the user's file it happened (a byte offset, or `path:line` for a vocabulary list), what was
/// expected and what was found; ``hint`` suggests a fix.
public enum TensorFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file does not start with the format's magic bytes.
    case badMagic(SourceLocation, format: String, expected: String, found: String)
    /// A format version this reader does not know.
    case unsupportedVersion(SourceLocation, format: String, found: String, supported: String)
    /// The header cannot be parsed or lacks a field.
    case malformedHeader(SourceLocation, reason: String)
    /// The values are stored in a type charvec cannot read.
    case unsupportedDataType(SourceLocation, found: String, supported: String)
    /// A NumPy array in column-major (Fortran) order.
    case fortranOrder(SourceLocation)
    /// The array is not two-dimensional `[rows, dimensions]`.
    case wrongShape(SourceLocation, shape: [Int])
    /// The file ends before the data the header announces.
    case truncatedData(SourceLocation, expectedBytes: Int, foundBytes: Int)
    /// Bytes follow the data the header announces.
    case trailingBytes(SourceLocation, count: Int)
    /// The vocabulary list beside a `.npy` file is missing.
    case missingVocabulary(path: String, matrixPath: String)
    /// The vocabulary has another number of words than the matrix has rows.
    case vocabularyCountMismatch(SourceLocation, words: Int, rows: Int)
    /// An empty word in the vocabulary list.
    case emptyWord(SourceLocation)
    /// A word of the vocabulary is not valid UTF-8 (and the policy is strict).
    case invalidUTF8Word(SourceLocation, word: String)
    /// No tensor that could hold the vectors (safetensors).
    case missingTensor(SourceLocation, names: [String])
    /// A feature of the file that charvec does not read (e.g. a quantized fastText model).
    case unsupportedModel(SourceLocation, reason: String)
    /// An operation that streams word2vec/GloVe rows (audit, sanitize) was given an array or model file.
    case notStreamable(SourceLocation, format: String, operation: String)

    /// Where in the user's file.
    public var location: SourceLocation {
        switch self {
        case .badMagic(let l, _, _, _), .unsupportedVersion(let l, _, _, _), .malformedHeader(let l, _),
             .unsupportedDataType(let l, _, _), .fortranOrder(let l), .wrongShape(let l, _),
             .truncatedData(let l, _, _), .trailingBytes(let l, _), .vocabularyCountMismatch(let l, _, _),
             .emptyWord(let l), .invalidUTF8Word(let l, _), .missingTensor(let l, _), .unsupportedModel(let l, _),
             .notStreamable(let l, _, _):
            return l
        case .missingVocabulary(let path, _): return SourceLocation(path: path, byteOffset: 0)
        }
    }

    /// One lowercase sentence: what was expected and what was found.
    public var message: String {
        switch self {
        case .badMagic(_, let format, let expected, let found):
            return "not a \(format) file: expected the magic \(expected), found \(found)"
        case .unsupportedVersion(_, let format, let found, let supported):
            return "\(format) version \(found) is not supported (supported: \(supported))"
        case .malformedHeader(_, let reason): return "malformed header: \(reason)"
        case .unsupportedDataType(_, let found, let supported):
            return "values of type \(found) cannot be read (supported: \(supported))"
        case .fortranOrder: return "the array is stored in Fortran (column-major) order; expected C order"
        case .wrongShape(_, let shape):
            return "expected a 2-D array [rows, dimensions], found shape [\(shape.map(String.init).joined(separator: ", "))]"
        case .truncatedData(_, let expected, let found):
            return "file ends inside the data: \(expected) bytes expected, \(found) present"
        case .trailingBytes(_, let count): return "\(count) unexpected byte\(count == 1 ? "" : "s") after the data"
        case .missingVocabulary(let path, let matrix): return "the vocabulary of \(matrix) is missing (no file \(path))"
        case .vocabularyCountMismatch(_, let words, let rows):
            return "the vocabulary has \(words) word\(words == 1 ? "" : "s") but the matrix has \(rows) row\(rows == 1 ? "" : "s")"
        case .emptyWord: return "empty word in the vocabulary"
        case .invalidUTF8Word(_, let word): return "word '\(word)' is not valid UTF-8"
        case .missingTensor(_, let names):
            return "no 2-D tensor named 'vectors' (tensors: \(names.isEmpty ? "none" : names.joined(separator: ", ")))"
        case .unsupportedModel(_, let reason): return reason
        case .notStreamable(_, let format, let operation):
            return "this is a \(format) file; \(operation) reads word2vec and GloVe files"
        }
    }

    /// A suggestion for the user.
    public var hint: String? {
        switch self {
        case .badMagic: return "the file extension may not match its contents; pass '--format' for word2vec or GloVe files"
        case .unsupportedVersion: return "re-save the file with a current version of the tool that wrote it"
        case .malformedHeader: return "the file may be damaged or written by another tool"
        case .unsupportedDataType: return "convert the array to float32 first, e.g. numpy's arr.astype('<f4')"
        case .fortranOrder: return "save a C-ordered copy, e.g. np.save(path, np.ascontiguousarray(arr))"
        case .wrongShape: return "reshape to [rows, dimensions] before saving"
        case .truncatedData: return "the file may have been cut off while it was written or copied"
        case .trailingBytes: return "the file may hold data of another tool; re-save it"
        case .missingVocabulary: return "write one word per line, in row order, to that file"
        case .vocabularyCountMismatch: return "the vocabulary needs exactly one line per matrix row, in row order"
        case .emptyWord: return "remove blank lines from the vocabulary list"
        case .invalidUTF8Word: return "pass '--unicode-errors replace' to keep the raw bytes"
        case .missingTensor: return "name the [rows, dimensions] tensor 'vectors'"
        case .unsupportedModel: return "export the vectors with fastText first ('fasttext print-word-vectors' or the .vec file)"
        case .notStreamable(let location, _, _):
            return "convert it first, e.g. 'charvec convert \(location.path) vectors.bin', or pass '--format' if it really is a word2vec or GloVe file"
        }
    }

    /// `path:byte N: error: message` (or `path:line:column: …`), as compilers print.
    public var description: String { "\(location): error: \(message)" }
}
