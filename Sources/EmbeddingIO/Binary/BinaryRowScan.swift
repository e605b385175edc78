#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import EmbeddingCore

extension EmbeddingRecordReader {
    /// A binary row's word, in one pass: the offset of the space ending it (`end` if none), of
    /// its first control byte (-1 if none), and whether it has non-ASCII bytes.
    @inline(__always)
    static func scanWord(_ buffer: UnsafeRawPointer, from start: Int, end: Int) -> (Int, Int, Bool) {
        var wordEnd = start
        var firstControl = -1
        var nonASCII = false
        while wordEnd < end {
            let b = buffer.load(fromByteOffset: wordEnd, as: UInt8.self)
            if b == 0x20 { break }
            if b < 0x20 || b == 0x7F {
                if firstControl < 0 { firstControl = wordEnd }
            } else if b >= 0x80 {
                nonASCII = true
            }
            wordEnd &+= 1
        }
        return (wordEnd, firstControl, nonASCII)
    }

    /// Rows are ~4·dim bytes apart, so the next words are cold in the cache: ask for one 8 rows
    /// ahead (a hint only; nothing past the buffer). 8 rows was the fastest distance: 4 is a
    /// little slower, 16 or no prefetch much slower.
    @inline(__always)
    static func prefetchAhead(_ buffer: UnsafeRawPointer, next: Int, rowStart: Int, end: Int) {
        let ahead = next + 8 * (next - rowStart)
        if ahead < end { prefetchForReading(buffer + ahead) }
    }

    /// The record of a well-formed binary row (UTF-8 is validated only for non-ASCII words).
    @inline(__always)
    static func binaryRecord(_ buffer: UnsafeRawPointer, rowStart: Int, wordEnd: Int, rowEnd: Int,
                             streamOffset: Int, nonASCII: Bool) -> RowRecord {
        let word = UnsafeRawBufferPointer(start: buffer + rowStart, count: wordEnd - rowStart)
        return RowRecord(start: rowStart, length: Int32(clamping: rowEnd - rowStart),
                         wordLength: Int32(clamping: wordEnd - rowStart), position: streamOffset + rowStart,
                         invalidUTF8Offset: nonASCII ? Int32(UTF8Validation.firstInvalidOffset(word) ?? -1) : -1,
                         statusKind: 0, statusValue: 0)
    }

    /// A scan of the second half of the buffer running on another thread.
    final class HalfScan: @unchecked Sendable {
        let start: Int
        let group = DispatchGroup()
        var found: [RowRecord] = []
        var stop = 0
        init(start: Int) { self.start = start }
        func wait() -> ([RowRecord], Int) { group.wait(); return (found, stop) }
    }

    /// Starts scanning the second half of the unread buffer on another thread, from the first
    /// offset past the middle where several consecutive rows parse cleanly. Nil when the buffer
    /// is small, the row layout (final `\n` or not) is not known yet, or no such offset is found.
    func startSecondHalfScan(vectorBytes: Int) -> HalfScan? {
        // Rows far shorter than half the buffer: the main loop then cannot need a refill (which
        // would move the buffer under the other thread) before it reaches the guessed start.
        guard threads > 1, end - position >= max(2 << 20, 16 * (vectorBytes + 65536 + 2)) else { return nil }
        let (buffer, end, offset) = (UnsafeRawPointer(self.buffer), self.end, streamOffset)
        // The layout the main loop learns from the first row, read ahead here (a guess like the start).
        var first = position
        if first < end && buffer.load(fromByteOffset: first, as: UInt8.self) == 0x0A { first += 1 }
        guard let space = memchr(buffer + first, 0x20, min(end - first, 65536)) else { return nil }
        let firstRowEnd = buffer.distance(to: UnsafeRawPointer(space)) + 1 + vectorBytes
        guard firstRowEnd < end else { return nil }
        let newline = binaryRowsEndWithNewline ?? (buffer.load(fromByteOffset: firstRowEnd, as: UInt8.self) == 0x0A)
        guard let start = Self.syncPoint(buffer, from: position + (end - position) / 2, end: end,
                                         vectorBytes: vectorBytes, newline: newline) else { return nil }
        let half = HalfScan(start: start)
        let box = _UncheckedSendable(buffer)
        DispatchQueue.global().async(group: half.group) {
            (half.found, half.stop) = Self.scanCleanRows(box.value, from: start, end: end, vectorBytes: vectorBytes,
                                                         newline: newline, streamOffset: offset)
        }
        return half
    }

    /// A row start past `from`: the first offset where 4 rows in a row parse (printable words of
    /// at most 64 bytes, then a space, the vector, and `\n` when rows end with one), moved to the
    /// second of those rows — an offset inside a word parses too, but the vector's end, and so
    /// the next row's start, is exact.
    static func syncPoint(_ buffer: UnsafeRawPointer, from: Int, end: Int, vectorBytes: Int, newline: Bool) -> Int? {
        func chain(_ start: Int) -> Int? {
            var p = start
            var second: Int?
            for _ in 0 ..< 4 {
                let limit = min(end, p + 65)
                let (w, firstControl, _) = scanWord(buffer, from: p, end: limit)
                guard firstControl < 0, w > p, w < limit else { return nil }
                let rowEnd = w + 1 + vectorBytes
                guard rowEnd < end else { return nil }
                let hasNewline = buffer.load(fromByteOffset: rowEnd, as: UInt8.self) == 0x0A
                if newline && !hasNewline { return nil }
                p = hasNewline ? rowEnd + 1 : rowEnd
                second = second ?? p
            }
            return second
        }
        let limit = min(end, from + 4 * (vectorBytes + 80))
        var candidate = from
        while candidate < limit {
            if newline {
                // A row starts right after a '\n'.
                guard let nl = memchr(buffer + candidate, 0x0A, limit - candidate) else { return nil }
                candidate = buffer.distance(to: UnsafeRawPointer(nl)) + 1
            }
            if let start = chain(candidate) { return start }
            if !newline { candidate += 1 }
        }
        return nil
    }

    /// The rows from `from` that the main loop would accept without any question (no control
    /// byte, word ≤ 64 KiB, the whole row and the byte after it inside the buffer); stops at the
    /// first other row. Returns the records and where it stopped.
    static func scanCleanRows(_ buffer: UnsafeRawPointer, from: Int, end: Int, vectorBytes: Int, newline: Bool,
                              streamOffset: Int) -> ([RowRecord], Int) {
        var found: [RowRecord] = []
        found.reserveCapacity((end - from) / (vectorBytes + 8) + 1)
        var scan = from
        while true {
            var rowStart = scan
            if rowStart < end && buffer.load(fromByteOffset: rowStart, as: UInt8.self) == 0x0A { rowStart += 1 }
            let (wordEnd, firstControl, nonASCII) = scanWord(buffer, from: rowStart, end: end)
            guard firstControl < 0, wordEnd < end, wordEnd - rowStart <= 65536 else { break }
            let rowEnd = wordEnd + 1 + vectorBytes
            guard rowEnd < end else { break }
            let hasNewline = buffer.load(fromByteOffset: rowEnd, as: UInt8.self) == 0x0A
            if newline && !hasNewline { break }
            let next = hasNewline ? rowEnd + 1 : rowEnd
            prefetchAhead(buffer, next: next, rowStart: rowStart, end: end)
            found.append(binaryRecord(buffer, rowStart: rowStart, wordEnd: wordEnd, rowEnd: rowEnd,
                                      streamOffset: streamOffset, nonASCII: nonASCII))
            scan = next
        }
        return (found, scan)
    }
}
