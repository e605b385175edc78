import EmbeddingCore

/// A fastText model file (`.bin`), placeholder until the reader lands.
public enum FastTextModel {
    /// fastText's `FASTTEXT_FILEFORMAT_MAGIC_INT32`.
    public static let magic: UInt32 = 793_712_314

    static func load(_ path: String, options: ReadOptions) throws -> (EmbeddingTable, LoadReport) {
        throw TensorFileError.unsupportedModel(SourceLocation(path: path, byteOffset: 0), reason: "fastText models are not supported yet")
    }
}
