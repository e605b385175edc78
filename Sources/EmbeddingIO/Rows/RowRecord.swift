import EmbeddingCore

/// How one row parsed. Text-row problems do not stop the reader: the loader turns them
/// into errors, `charvec audit` into findings.
public enum RowStatus: Equatable, Sendable {
    case ok
    /// The row has `found` values instead of the table's dimension.
    case wrongCount(found: Int)
    /// The value token starting at 1-based byte `column` of the line is not a number.
    case nonNumeric(column: Int)
}

/// One row's metadata inside a ``RecordBatch``.
public struct RowRecord: Sendable {
    /// Offset of the row's first byte in the batch's byte buffer.
    public var start: Int
    /// Bytes of the row (text: up to, not including, `\r\n`; binary: word through the vector).
    public var length: Int32
    /// Bytes of the word.
    public var wordLength: Int32
    /// Text: 1-based line number. Binary: byte offset of the row in the (decompressed) stream.
    public var position: Int
    /// Offset of the first invalid UTF-8 byte in the word, or -1.
    public var invalidUTF8Offset: Int32
    var statusKind: UInt8
    var statusValue: Int32
    /// Whether the row holds a NaN or ±Inf value.
    public internal(set) var hasNonFinite: Bool = false

    public var status: RowStatus {
        switch statusKind {
        case 0: return .ok
        case 1: return .wrongCount(found: Int(statusValue))
        default: return .nonNumeric(column: Int(statusValue))
        }
    }
}

extension RowRecord {
    /// Where the words of each of `parts` row ranges start when the words of `rows` are
    /// concatenated in row order: `parts + 1` offsets, the last being the total. Part `p` is rows
    /// `count·p/parts ..< count·(p+1)/parts`, the split the readers' and the audit's threads use.
    public static func wordStarts(of rows: UnsafeBufferPointer<RowRecord>, parts: Int) -> [Int] {
        var starts = [Int](repeating: 0, count: parts + 1)
        for part in 0 ..< parts {
            starts[part + 1] = starts[part]
            for i in (rows.count * part / parts) ..< (rows.count * (part + 1) / parts) { starts[part + 1] += Int(rows[i].wordLength) }
        }
        return starts
    }
}
