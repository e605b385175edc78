/// The on-disk layouts charvec reads and writes.
public enum EmbeddingFormat: String, Sendable, CaseIterable, CustomStringConvertible {
    /// word2vec / fastText `.vec` text: a `count dim` header line, then `word v1 … vdim` per line.
    case word2vecText = "text"
    /// word2vec binary (word2vec.c, gensim): `count dim\n`, then per row the word, a space,
    /// `dim` little-endian float32 and (word2vec.c, not gensim) a `\n`.
    case word2vecBinary = "binary"
    /// GloVe text: like word2vec text without the header line.
    case glove = "glove"

    public var description: String {
        switch self {
        case .word2vecText: return "word2vec text"
        case .word2vecBinary: return "word2vec binary"
        case .glove: return "GloVe text (no header)"
        }
    }

    /// Whether rows are located by line (text) rather than byte offset (binary).
    public var isText: Bool { self != .word2vecBinary }
}

/// How to treat bytes in a word that are not valid UTF-8.
public enum UnicodeErrorPolicy: String, Sendable, CaseIterable {
    /// Stop with ``EmbeddingFileError/invalidUTF8(_:word:byteOffsetInWord:)``.
    case strict
    /// Keep the raw bytes (words print with U+FFFD, like gensim's `unicode_errors='replace'`)
    /// and list the rows in ``LoadReport/invalidUTF8Rows``.
    case replace
}
