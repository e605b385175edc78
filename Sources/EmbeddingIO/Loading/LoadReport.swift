import EmbeddingCore

/// What a load found besides the table: format, sizes, and everything that was tolerated.
public struct LoadReport: Sendable {
    public var path: String
    public var format: EmbeddingFormat
    public var isGzip: Bool
    public var header: FileHeader?
    /// Rows read (after `--limit`).
    public var rows: Int
    public var dimensions: Int
    /// Bytes on disk (compressed for gzip), nil for pipes.
    public var fileSize: Int?
    /// Bytes of (decompressed) input read.
    public var bytesRead: Int
    public var skippedByteOrderMark = false
    public var blankLines = 0
    public var crlfRows = 0
    public var trailingWhitespaceRows = 0
    /// Text rows whose fields are separated by tabs instead of spaces (accepted).
    public var tabSeparatedRows = 0
    /// The line of the first of them.
    public var firstTabSeparatedLine: Int?
    public var binaryRowsEndWithNewline: Bool?
    /// Rows whose word is not valid UTF-8 (kept as raw bytes under `--unicode-errors replace`).
    public var invalidUTF8Rows: [Int] = []
    /// Rows holding a NaN or ±Inf value (kept; `charvec audit` lists them).
    public var nonFiniteRows = 0
    /// Rows whose word appeared before (kept; lookups find the first).
    public var duplicateRows = 0
    /// Whether `--limit` stopped the read before the end of the file.
    public var stoppedAtLimit = false
    /// Set for the array and model formats (.npy, safetensors, fastText), which ``format`` cannot name.
    public var tableFormat: TableFileFormat? = nil

    /// Human-readable notes about what was tolerated (nothing is dropped silently).
    public var notes: [String] {
        var notes: [String] = []
        if skippedByteOrderMark { notes.append("skipped a UTF-8 byte-order mark at the start of the file") }
        if blankLines > 0 { notes.append("skipped \(blankLines) blank line\(blankLines == 1 ? "" : "s")") }
        if crlfRows > 0 { notes.append("\(crlfRows) row\(crlfRows == 1 ? "" : "s") end in CRLF (Windows line ends)") }
        if trailingWhitespaceRows > 0 {
            notes.append("\(trailingWhitespaceRows) row\(trailingWhitespaceRows == 1 ? " has" : "s have") whitespace after the last value (fastText style)")
        }
        if tabSeparatedRows > 0, let line = firstTabSeparatedLine {
            notes.append("fields separated by tabs (accepted): \(tabSeparatedRows) row\(tabSeparatedRows == 1 ? "" : "s"), first at \(path):\(line)")
        }
        if !invalidUTF8Rows.isEmpty {
            notes.append("\(invalidUTF8Rows.count) word\(invalidUTF8Rows.count == 1 ? " is" : "s are") not valid UTF-8 (raw bytes kept)")
        }
        if nonFiniteRows > 0 {
            notes.append("\(nonFiniteRows) row\(nonFiniteRows == 1 ? " holds" : "s hold") NaN or infinite values (run 'charvec audit')")
        }
        if duplicateRows > 0 {
            notes.append("\(duplicateRows) row\(duplicateRows == 1 ? " repeats a word" : "s repeat words") seen earlier (kept; lookups use the first)")
        }
        if stoppedAtLimit { notes.append("stopped after \(rows) rows (--limit)") }
        return notes
    }
}
