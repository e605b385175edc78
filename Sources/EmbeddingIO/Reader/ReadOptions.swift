import EmbeddingCore

/// Options shared by every reader.
public struct ReadOptions: Sendable {
    /// Force a format; nil detects it from the first bytes.
    public var format: EmbeddingFormat?
    /// Read only the first `limit` rows (the rest of the file is not looked at).
    public var limit: Int?
    /// Fold words to lowercase (Unicode `lowercased()`); collisions are kept and listed as duplicates.
    public var lowercase: Bool
    /// What to do with words that are not valid UTF-8.
    public var unicodeErrors: UnicodeErrorPolicy
    /// Threads used to parse text.
    public var threads: Int
    /// Refuse a header whose row count cannot fit in the file's size (loaders). The auditor and
    /// the sanitizer turn this off: a file cut right after its header is what they are for.
    public var checksHeaderAgainstFileSize = true
    /// Read past a first line that is a damaged header (``EmbeddingFileError/headerNotIntegers(_:found:rowDimensions:)``)
    /// when the rows agree on a dimension, instead of refusing the file (the sanitizer, which rewrites the header).
    public var skipsMalformedHeader = false
    /// Plain binary files at least this large are read through a memory map (tests lower it).
    var mapThreshold = 16 << 20
    /// Bytes mapped at a time, a multiple of the page size (tests lower it to cross windows).
    var mapWindow = 32 << 20

    public init(format: EmbeddingFormat? = nil, limit: Int? = nil, lowercase: Bool = false,
                unicodeErrors: UnicodeErrorPolicy = .strict, threads: Int = 2) {
        self.format = format
        self.limit = limit
        self.lowercase = lowercase
        self.unicodeErrors = unicodeErrors
        self.threads = max(1, threads)
    }
}
