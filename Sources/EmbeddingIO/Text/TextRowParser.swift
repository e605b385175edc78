import EmbeddingCore

/// What one thread's text rows had that the reader tolerates, from ``EmbeddingRecordReader/parseTextRow(_:_:dimensions:into:)``'s flags.
struct TextRowTally {
    var crlf = 0
    var trailing = 0
    /// Rows with a tab between fields, and the first of them (an index in the batch, -1 for none).
    var tabs = 0
    var firstTab = -1

    @inline(__always)
    mutating func add(_ flags: Int, row: Int) {
        crlf &+= flags & EmbeddingRecordReader.crlfFlag
        trailing &+= (flags & EmbeddingRecordReader.trailingWhitespaceFlag) >> 1
        if flags & EmbeddingRecordReader.tabSeparatorFlag != 0 {
            if tabs == 0 { firstTab = row }
            tabs &+= 1
        }
    }
}

extension EmbeddingRecordReader {
    /// ``parseTextRow(_:_:dimensions:into:)`` flags: the line ends in `\r\n`; whitespace follows
    /// the last value; a separator between fields was a tab.
    static let crlfFlag = 1, trailingWhitespaceFlag = 2, tabSeparatorFlag = 4

    /// Parses one text row in place; returns flags (``crlfFlag``, ``trailingWhitespaceFlag``,
    /// ``tabSeparatorFlag``).
    @inline(__always)
    static func parseTextRow(_ base: UnsafeRawPointer, _ record: inout RowRecord, dimensions: Int,
                             into out: UnsafeMutablePointer<Scalar>) -> Int {
        let lineStart = base.assumingMemoryBound(to: UInt8.self) + record.start
        var lineEnd = lineStart + Int(record.length)
        var flags = 0
        if lineEnd > lineStart && (lineEnd - 1).pointee == 0x0D { lineEnd -= 1; flags |= crlfFlag }
        var contentEnd = lineEnd
        while contentEnd > lineStart && ((contentEnd - 1).pointee == 0x20 || (contentEnd - 1).pointee == 0x09) { contentEnd -= 1 }
        if contentEnd < lineEnd { flags |= trailingWhitespaceFlag }
        record.length = Int32(clamping: lineEnd - lineStart)
        // Word: up to the first separator.
        var p = lineStart
        while p < contentEnd && p.pointee != 0x20 && p.pointee != 0x09 { p += 1 }
        let wordLength = p - lineStart
        record.wordLength = Int32(clamping: wordLength)
        let word = UnsafeRawBufferPointer(start: lineStart, count: wordLength)
        record.invalidUTF8Offset = Int32(UTF8Validation.firstInvalidOffset(word) ?? -1)
        var found = 0
        while true {
            // Separators: spaces, or tabs (accepted, and noted: the tab branch is off the common path).
            while p < contentEnd {
                let b = p.pointee
                if b == 0x20 { p += 1 } else if b == 0x09 { p += 1; flags |= tabSeparatorFlag } else { break }
            }
            if p >= contentEnd { break }
            let tokenStart = p
            if found < dimensions {
                let (parsed, next) = FloatParser.parseToken(tokenStart, contentEnd)
                p = next
                guard let value = parsed else {
                    // The rest of the row's values stay unset (see RecordBatch.values): filling
                    // them would cost O(dimensions) for a row of a few bytes.
                    record.statusKind = 2
                    record.statusValue = Int32(clamping: tokenStart - lineStart + 1)
                    return flags
                }
                out[found] = value
            } else {
                while p < contentEnd && p.pointee != 0x20 && p.pointee != 0x09 { p += 1 } // extra tokens: count only
            }
            found &+= 1
        }
        if found != dimensions {
            record.statusKind = 1
            record.statusValue = Int32(clamping: found)
        } else {
            record.hasNonFinite = containsNonFinite(out, dimensions)
        }
        return flags
    }
}
