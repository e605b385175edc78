import EmbeddingCore

extension EmbeddingRecordReader {
    /// Largest up-front reservation, in bytes, for an input whose size is unknown.
    static let maxUnsizedReservation = 64 << 20

    /// Caps a consumer's up-front reservation of `rows` rows of `bytesPerRow` bytes each. For a
    /// plain file, at the rows its size can hold (the auditor does not refuse a header that
    /// lies, so its count is not trusted); a gzip stream or
    /// a pipe has none, so its header may claim 10¹² rows: the reservation is then capped at
    /// 64 MiB and the consumer's storage grows as rows actually arrive.
    public func reservableRows(_ rows: Int, bytesPerRow: Int) -> Int {
        // Every row needs at least one byte per value plus a word and a separator.
        if let size = fileSize, !isGzip { return min(rows, size / (dimensions + 2) + 1) }
        return min(rows, max(1, Self.maxUnsizedReservation / max(1, bytesPerRow)))
    }
}
