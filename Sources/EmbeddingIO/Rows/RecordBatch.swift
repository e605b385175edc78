import EmbeddingCore

/// A batch of consecutive rows. Valid only until the reader's next call.
public struct RecordBatch {
    /// Index in the file (0-based, header excluded) of the batch's first row.
    public let firstRow: Int
    public let rows: UnsafeBufferPointer<RowRecord>
    let bytes: UnsafeRawPointer
    /// `rows.count × dimensions` values written to the caller's destination (row-major); a row
    /// whose ``RowRecord/status`` is not `.ok` holds unspecified values. Nil for a binary batch
    /// read in place (see ``EmbeddingRecordReader/readBatch(inPlace:destination:_:)``).
    public let values: UnsafeMutablePointer<Scalar>?
    public let dimensions: Int
    /// Every row's word, concatenated in row order (row `i`'s word is ``RowRecord/wordLength``
    /// bytes long), gathered while the vectors were copied: the words sit next to their vectors
    /// and are in cache then, whereas a later per-row copy misses it once per row. Nil for text
    /// batches and binary batches read in place.
    public var packedWords: UnsafeRawPointer? = nil

    public var count: Int { rows.count }

    /// The word of row `i` of the batch, as raw bytes.
    public func wordBytes(_ i: Int) -> UnsafeRawBufferPointer {
        let r = rows[i]
        return UnsafeRawBufferPointer(start: bytes + r.start, count: Int(r.wordLength))
    }

    /// The whole row's bytes (text line without its line end; binary row).
    public func rowBytes(_ i: Int) -> UnsafeRawBufferPointer {
        let r = rows[i]
        return UnsafeRawBufferPointer(start: bytes + r.start, count: Int(r.length))
    }

    /// The value token starting at 1-based byte `column` of row `i`, up to the next space or tab:
    /// the value a ``RowStatus/nonNumeric(column:)`` row could not parse.
    public func token(_ i: Int, column: Int) -> String {
        let row = rowBytes(i)
        var end = column - 1
        while end < row.count && row[end] != 0x20 && row[end] != 0x09 { end += 1 }
        return String(decoding: UnsafeRawBufferPointer(rebasing: row[(column - 1) ..< end]), as: UTF8.self)
    }

    /// The word of row `i`, invalid UTF-8 shown as U+FFFD.
    public func word(_ i: Int) -> String { String(decoding: wordBytes(i), as: UTF8.self) }

    /// Row `i`'s values (unspecified unless its status is `.ok`; not for batches read in
    /// place: use ``rawValues(_:)``).
    public func values(_ i: Int) -> UnsafeBufferPointer<Scalar> {
        UnsafeBufferPointer(start: values! + i * dimensions, count: dimensions)
    }

    /// Row `i`'s `dimensions` little-endian float32 values, possibly unaligned (load them
    /// with `loadUnaligned`): in the reader's buffer for batches read in place, else in `values`.
    public func rawValues(_ i: Int) -> UnsafeRawPointer {
        if let values { return UnsafeRawPointer(values + i * dimensions) }
        let r = rows[i]
        return bytes + r.start + Int(r.wordLength) + 1
    }
}
