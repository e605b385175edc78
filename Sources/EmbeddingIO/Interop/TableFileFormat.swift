/// Every file layout charvec reads or writes a whole table from: the streamed word2vec/GloVe
/// formats of ``EmbeddingFormat`` plus the array and model formats of other tools.
///
/// The array formats (``numpy``, ``safetensors``) hold the matrix as raw little-endian floats
/// with the vocabulary beside it; ``fastText`` models are read, never written.
public enum TableFileFormat: String, Sendable, CaseIterable, CustomStringConvertible {
    /// word2vec / fastText `.vec` text (see ``EmbeddingFormat/word2vecText``).
    case word2vecText = "text"
    /// word2vec binary (see ``EmbeddingFormat/word2vecBinary``).
    case word2vecBinary = "binary"
    /// GloVe text without a header.
    case glove = "glove"
    /// NumPy `.npy` matrix `[rows, dimensions]` plus `NAME.vocab.txt`, one word per line.
    case numpy = "npy"
    /// safetensors: tensor `vectors` `[rows, dimensions]`, the words in `__metadata__["vocabulary"]`.
    case safetensors = "safetensors"
    /// A fastText model (`.bin`; quantized `.ftz` is recognised and refused).
    case fastText = "fasttext"

    /// The streamed format this is, if it is one.
    public var embeddingFormat: EmbeddingFormat? {
        switch self {
        case .word2vecText: return .word2vecText
        case .word2vecBinary: return .word2vecBinary
        case .glove: return .glove
        case .numpy, .safetensors, .fastText: return nil
        }
    }

    public init(_ format: EmbeddingFormat) {
        switch format {
        case .word2vecText: self = .word2vecText
        case .word2vecBinary: self = .word2vecBinary
        case .glove: self = .glove
        }
    }

    /// Whether charvec can write this format.
    public var isWritable: Bool { self != .fastText }

    /// Whether values can be stored as float16 (`--precision f16`).
    public var supportsHalfPrecision: Bool { self == .numpy || self == .safetensors }

    /// Whether the output can be gzipped by charvec (the array formats are meant to be memory-mapped).
    public var supportsGzip: Bool { embeddingFormat != nil }

    public var description: String {
        switch self {
        case .word2vecText, .word2vecBinary, .glove: return embeddingFormat!.description
        case .numpy: return "NumPy .npy + vocabulary list"
        case .safetensors: return "safetensors"
        case .fastText: return "fastText model"
        }
    }

    /// The format and compression a file name suggests, as gensim users expect:
    /// `.vec`/`.txt` word2vec text, `.bin` word2vec binary, `.npy`, `.safetensors`, and a
    /// trailing `.gz` for gzip (`vectors.vec.gz`). `format` is nil for other names.
    ///
    /// `.bin` means word2vec binary for output; on input the bytes decide (a fastText model
    /// is recognised by its magic number).
    public static func inferred(fromName path: String) -> (format: TableFileFormat?, gzip: Bool) {
        var name = path.split(separator: "/").last.map(String.init)?.lowercased() ?? ""
        let gzip = name.hasSuffix(".gz")
        if gzip { name.removeLast(3) }
        let format: TableFileFormat?
        if name.hasSuffix(".vec") || name.hasSuffix(".txt") { format = .word2vecText }
        else if name.hasSuffix(".bin") { format = .word2vecBinary }
        else if name.hasSuffix(".npy") { format = .numpy }
        else if name.hasSuffix(".safetensors") { format = .safetensors }
        else { format = nil }
        return (format, gzip)
    }
}

extension LoadReport {
    /// The format the table was read from, including the array and model formats.
    public var fileFormat: TableFileFormat { tableFormat ?? TableFileFormat(format) }
}
