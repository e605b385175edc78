import EmbeddingCore

extension EmbeddingRecordReader {
    /// Parses one text row in place; returns flags (bit 0: CRLF, bit 1: trailing whitespace).
    @inline(__always)
    static func parseTextRow(_ base: UnsafeRawPointer, _ record: inout RowRecord, dimensions: Int,
                             into out: UnsafeMutablePointer<Scalar>) -> Int {
        let lineStart = base.assumingMemoryBound(to: UInt8.self) + record.start
        var lineEnd = lineStart + Int(record.length)
        var flags = 0
        if lineEnd > lineStart && (lineEnd - 1).pointee == 0x0D { lineEnd -= 1; flags |= 1 }
        var contentEnd = lineEnd
        while contentEnd > lineStart && ((contentEnd - 1).pointee == 0x20 || (contentEnd - 1).pointee == 0x09) { contentEnd -= 1 }
        if contentEnd < lineEnd { flags |= 2 }
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
            while p < contentEnd && (p.pointee == 0x20 || p.pointee == 0x09) { p += 1 }
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
