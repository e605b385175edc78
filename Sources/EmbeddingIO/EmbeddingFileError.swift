import EmbeddingCore

/// Why an embedding file could not be read. Each case carries where in the user's file
/// it happened, what was expected and what was found; ``hint`` suggests a fix.
public enum EmbeddingFileError: Error, Equatable, Sendable {
    /// The file could not be opened or read (`reason` is the system's message).
    case cannotRead(path: String, reason: String)
    /// The file (after decompression) has no bytes.
    case emptyFile(path: String)
    /// The first line is not `count dim` (and the format was forced to word2vec).
    case malformedHeader(SourceLocation, found: String)
    /// The file is UTF-16 text (a byte-order mark, or every other byte NUL); charvec reads UTF-8.
    case utf16Text(path: String)
    /// The file is a fastText `.bin` model (magic number 793712314), not a table of vectors.
    case fastTextModel(path: String)
    /// The first line looks like a header (numbers only) but is not two non-negative integers,
    /// e.g. `2.0 3`, `-3 4`, `+2 3` or `2 3 4`; `rowDimensions` is what most of the following
    /// rows hold, when they agree.
    case headerNotIntegers(SourceLocation, found: String, rowDimensions: Int?)
    /// A binary file's rows are `rowDimensions` values apart, not the header's `headerDimensions`.
    case binaryDimensionMismatch(SourceLocation, headerDimensions: Int, rowDimensions: Int)
    /// The header's dimension is zero, absurd, or larger than the file can hold.
    case implausibleHeader(SourceLocation, count: Int, dimensions: Int, reason: String)
    /// A text row has the wrong number of values.
    case wrongComponentCount(SourceLocation, word: String, expected: Int, found: Int)
    /// A value token is not a number.
    case nonNumericComponent(SourceLocation, word: String, token: String)
    /// The header promised more rows than the file holds.
    case fewerRowsThanHeader(SourceLocation, expected: Int, found: Int)
    /// The file holds more rows than its header says.
    case moreRowsThanHeader(SourceLocation, expected: Int)
    /// A word is not valid UTF-8 (and the policy is strict).
    case invalidUTF8(SourceLocation, word: String, byteOffsetInWord: Int)
    /// A binary row is misaligned: the word holds whitespace/control bytes or no newline
    /// follows the vector where the file's other rows have one (a word containing a space
    /// shifts every following row; gensim silently reads garbage here).
    case misalignedBinaryRow(SourceLocation, row: Int, found: String)
    /// A binary file ended inside a row.
    case truncatedBinary(SourceLocation, row: Int, missingBytes: Int)
    /// A gzip stream ended before its end-of-stream marker.
    case truncatedGzip(path: String, compressedBytes: Int)
    /// A gzip stream is corrupt.
    case corruptGzip(path: String, compressedOffset: Int, reason: String)

    /// Where in the user's file, when known.
    public var location: SourceLocation? {
        switch self {
        case .cannotRead, .emptyFile, .truncatedGzip, .corruptGzip, .utf16Text, .fastTextModel: return nil
        case .malformedHeader(let l, _), .headerNotIntegers(let l, _, _), .binaryDimensionMismatch(let l, _, _),
             .implausibleHeader(let l, _, _, _), .wrongComponentCount(let l, _, _, _),
             .nonNumericComponent(let l, _, _), .fewerRowsThanHeader(let l, _, _), .moreRowsThanHeader(let l, _),
             .invalidUTF8(let l, _, _), .misalignedBinaryRow(let l, _, _), .truncatedBinary(let l, _, _):
            return l
        }
    }

    /// The file's path.
    public var path: String {
        switch self {
        case .cannotRead(let p, _), .emptyFile(let p), .truncatedGzip(let p, _), .corruptGzip(let p, _, _), .utf16Text(let p),
             .fastTextModel(let p): return p
        default: return location?.path ?? ""
        }
    }

    /// One lowercase sentence: what was expected and what was found.
    public var message: String {
        switch self {
        case .cannotRead(_, let reason): return "cannot read file: \(reason)"
        case .emptyFile: return "file is empty"
        case .utf16Text: return "the file looks like UTF-16 text; embedding files are read as UTF-8"
        case .fastTextModel: return "this is a fastText .bin model, not a table of word vectors"
        case .malformedHeader(_, let found):
            return "expected a header line 'count dim' (two non-negative integers), found '\(found)'"
        case .headerNotIntegers(_, let found, _):
            return "the first line '\(found)' is not a valid header: expected two non-negative integers 'count dim'"
        case .binaryDimensionMismatch(_, let header, let rows):
            return "the header says \(header) value\(header == 1 ? "" : "s") per row, but the binary rows hold \(rows) "
                + "(\(4 * rows) bytes after each word)"
        case .implausibleHeader(_, let count, let dimensions, let reason):
            return "implausible header '\(count) \(dimensions)': \(reason)"
        case .wrongComponentCount(_, let word, let expected, let found):
            return "row '\(Self.shown(word))' has \(found) value\(found == 1 ? "" : "s"), expected \(expected)"
        case .nonNumericComponent(_, let word, let token):
            return "row '\(Self.shown(word))': expected a number, found '\(Self.shown(token))'"
        case .fewerRowsThanHeader(_, let expected, let found):
            return "file ends after \(found) row\(found == 1 ? "" : "s") but the header promises \(expected)"
        case .moreRowsThanHeader(_, let expected):
            return "the header promises \(expected) row\(expected == 1 ? "" : "s") but the file has more"
        case .invalidUTF8(_, let word, let offset):
            return "word '\(Self.shown(word))' is not valid UTF-8 (bad byte at offset \(offset) in the word)"
        case .misalignedBinaryRow(_, let row, let found):
            return "binary row \(row + 1) is misaligned: found \(found)"
        case .truncatedBinary(_, let row, let missing):
            return "file ends inside binary row \(row + 1): \(missing) more byte\(missing == 1 ? "" : "s") expected"
        case .truncatedGzip(_, let compressed):
            return "gzip stream ends without its end-of-stream marker after \(compressed) compressed bytes"
        case .corruptGzip(_, let offset, let reason):
            return "corrupt gzip data near compressed byte \(offset): \(reason)"
        }
    }

    /// A word from the file as quoted in a message: cut after 64 characters (with its length in
    /// bytes) so a megabyte-long word does not flood the terminal. The case keeps the whole word.
    static func shown(_ word: String) -> String {
        word.count > 80 ? String(word.prefix(64)) + "… (\(word.utf8.count) bytes)" : word
    }

    /// A suggestion for the user, when there is one.
    public var hint: String? {
        switch self {
        case .cannotRead: return "check the path and its permissions"
        case .emptyFile: return "the file may have been cut off while it was written"
        case .utf16Text: return "convert it first, e.g. 'iconv -f UTF-16 -t UTF-8 FILE > FILE.utf8.vec'"
        case .fastTextModel:
            return "use the .vec file fastText writes beside it, or export one with 'fasttext print-word-vectors MODEL.bin < WORDS'"
        case .malformedHeader: return "if the file has no header (GloVe), pass '--format glove'"
        case .headerNotIntegers(_, _, let rows?):
            return "the rows that follow have \(rows) value\(rows == 1 ? "" : "s") each: write the first line as 'ROWS \(rows)' "
                + "(read as a GloVe row it would make every other row look broken)"
        case .headerNotIntegers(_, _, nil):
            return "write the first line as two plain integers 'ROWS DIM', or delete it if the file has no header (GloVe)"
        case .binaryDimensionMismatch(_, _, let rows):
            return "the header's dimension is wrong: write it as 'COUNT \(rows)' (the rows are consistent with \(pluralized(rows, "value")))"
        case .implausibleHeader: return "the header may be damaged; 'charvec audit' shows what the rows hold"
        case .wrongComponentCount(_, _, let expected, let found):
            if found > expected {
                return "a word containing spaces (as in some GloVe files) shifts the values; 'charvec audit' lists every such row"
            }
            return "the row may be cut off; 'charvec audit' lists every bad row and 'charvec sanitize' writes a repaired copy"
        case .nonNumericComponent:
            return "a word containing spaces shifts the values into the word; 'charvec audit' lists every such row"
        case .fewerRowsThanHeader:
            return "the file may be truncated; 'charvec sanitize' rewrites it with a correct header"
        case .moreRowsThanHeader(_, 0):
            return "the header says the file is empty; 'charvec sanitize' writes a copy with the true count"
        case .moreRowsThanHeader(_, let expected):
            return "pass '--limit \(expected)' to read only the first \(expected) rows, or fix the header with 'charvec sanitize'"
        case .invalidUTF8:
            return "pass '--unicode-errors replace' to keep the raw bytes (the word prints with U+FFFD)"
        case .misalignedBinaryRow:
            return "a word containing a space shifts every following row; re-export the table without spaces in words (e.g. join with '_'); "
                + "if the file is text, pass '--format text'"
        case .truncatedBinary: return "the file may have been cut off; the rows before this one are intact ('--limit')"
        case .truncatedGzip: return "the download or copy may be incomplete; 'gzip -t FILE' confirms"
        case .corruptGzip: return "the file is damaged; 'gzip -t FILE' confirms"
        }
    }
}

extension EmbeddingFileError: CustomStringConvertible {
    /// `path:line:column: error: message` (or `path: error: …`), as compilers print.
    public var description: String {
        let prefix = location.map { "\($0)" } ?? path
        return "\(prefix): error: \(message)"
    }
}
