import EmbeddingCore

/// How large a file's claims may be before the reader stops believing them, in one place:
/// the header and row-size checks that refuse a file, and the caps on what a consumer reserves
/// up front. A plain file's size bounds its row count; a gzip stream or a pipe has no size, so
/// its header (which may claim 10¹² rows) caps nothing and fixed ceilings apply instead.
enum ReadLimits {
    /// Bytes read (or decompressed) per chunk: one text batch at most, unless a row is longer.
    static let chunkSize = 8 << 20
    /// Longest row we accept before calling the file misaligned / not line-based.
    static let maxRowBytes = 256 << 20
    /// Most values per row.
    static let maxDimensions = 1 << 20
    /// Largest up-front reservation, in bytes, for an input whose size is unknown.
    static let maxUnsizedReservation = 64 << 20

    /// Fewest bytes a row of `dimensions` values takes in any format: one byte per value plus a
    /// word and a separator.
    @inline(__always)
    static func minimumRowBytes(dimensions: Int) -> Int { dimensions + 2 }
}

extension EmbeddingRecordReader {
    /// Refuses a header (or a header-less file's row dimension) that no file could satisfy: no
    /// values, more than ``ReadLimits/maxDimensions``, or (for a plain file, with
    /// ``ReadOptions/checksHeaderAgainstFileSize``) more rows than the file's bytes can hold.
    func checkDimensions(count: Int?, dimensions: Int) throws {
        let location = self.location(atLine: 1)
        if dimensions == 0 {
            throw EmbeddingFileError.implausibleHeader(location, count: count ?? 0, dimensions: 0, reason: "rows need at least one value")
        }
        if dimensions > ReadLimits.maxDimensions {
            throw EmbeddingFileError.implausibleHeader(location, count: count ?? 0, dimensions: dimensions,
                                                       reason: "more than \(ReadLimits.maxDimensions) values per row")
        }
        if checksHeaderAgainstFileSize, let count, let size = fileSize, !isGzip, count > 0 {
            let (minimum, overflow) = count.multipliedReportingOverflow(by: ReadLimits.minimumRowBytes(dimensions: dimensions))
            if overflow || minimum > size {
                throw EmbeddingFileError.implausibleHeader(
                    location, count: count, dimensions: dimensions,
                    reason: "\(count) rows of \(dimensions) values cannot fit in a file of \(size) bytes")
            }
        }
    }

    /// The error for a row longer than ``ReadLimits/maxRowBytes`` (the buffer or map window would
    /// have to grow past it).
    func rowTooLong() -> EmbeddingFileError {
        EmbeddingFileError.implausibleHeader(
            location(atLine: nextLine), count: header?.count ?? 0, dimensions: dimensions,
            reason: "a single row is longer than \(ReadLimits.maxRowBytes >> 20) MiB")
    }

    /// Caps a consumer's up-front reservation of `rows` rows of `bytesPerRow` bytes each. For a
    /// plain file, at the rows its size can hold (the auditor does not refuse a header that
    /// lies, so its count is not trusted); a gzip stream or
    /// a pipe has none, so its header may claim 10¹² rows: the reservation is then capped at
    /// 64 MiB and the consumer's storage grows as rows actually arrive.
    public func reservableRows(_ rows: Int, bytesPerRow: Int) -> Int {
        if let size = fileSize, !isGzip { return min(rows, size / ReadLimits.minimumRowBytes(dimensions: dimensions) + 1) }
        return min(rows, max(1, ReadLimits.maxUnsizedReservation / max(1, bytesPerRow)))
    }

    /// Rows the loader reserves before reading at most `limit` rows: the header's count as far
    /// as the file size allows (a lying header must not allocate), else a guess from the size.
    func initialLoadRows(limit: Int) -> Int {
        let dim = dimensions
        var initialRows = 1024
        if let count = header?.count {
            // Trust the header only as far as the file size allows (a lying header must not allocate).
            var plausible = count
            if let size = fileSize, !isGzip {
                let bytesPerRow = format == .word2vecBinary ? 4 * dim + 2 : 2 * dim + 1
                plausible = min(plausible, size / max(1, bytesPerRow) + 1)
            } else {
                plausible = min(plausible, 1 << 20)
            }
            initialRows = min(plausible, limit)
        } else if let size = fileSize, !isGzip {
            initialRows = min(size / max(1, 4 * dim) + 1, limit, 1 << 24)
        }
        // Without a file size, 2²⁰ rows of up to 2²⁰ values would be terabytes.
        return reservableRows(initialRows, bytesPerRow: 4 * dim)
    }
}
