#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import EmbeddingCore

extension EmbeddingRecordReader {
    func nextTextBatch(destination: (Int) -> UnsafeMutablePointer<Scalar>) throws -> RecordBatch? {
        // Make sure the buffer holds at least one complete line (or the input's last bytes).
        var lastNewline: Int
        while true {
            if position == end && atEOF { return nil }
            if let nl = lastNewlineOffset() {
                lastNewline = nl
                if atEOF || end - position >= capacity / 2 { break }
            } else if atEOF {
                lastNewline = end // the last line has no newline
                break
            } else if end - position == capacity {
                try grow()
            }
            if atEOF { continue }
            try fill()
        }
        let chunkStart = position
        var chunkEnd = lastNewline == end ? end : lastNewline + 1
        let firstLine = nextLine

        // Phase 1, in parallel: find the row lines in each part. After a batch that was cut short
        // (see findLines) one part: the other parts' scans would be thrown away again.
        var parts = (chunkEnd - chunkStart) >= 1 << 20 && !lastBatchWasCut ? threads : 1
        var cuts = [chunkStart]
        for p in 1 ..< parts {
            let target = chunkStart + (chunkEnd - chunkStart) * p / parts
            if let nl = memchr(buffer + target, 0x0A, chunkEnd - target) {
                cuts.append(max(cuts.last!, buffer.distance(to: UnsafeMutableRawPointer(nl)) + 1))
            } else {
                cuts.append(chunkEnd)
            }
        }
        cuts.append(chunkEnd)
        var partRecords = [[RowRecord]](repeating: [], count: parts)
        var partNewlines = [Int](repeating: 0, count: parts)
        var partBlank = [Int](repeating: 0, count: parts)
        var partEnds = [Int](repeating: 0, count: parts)
        let base = _UncheckedSendable(UnsafeRawPointer(buffer))
        let dimensions = self.dimensions
        partRecords.withUnsafeMutableBufferPointer { recs in
            partNewlines.withUnsafeMutableBufferPointer { newlines in
                partBlank.withUnsafeMutableBufferPointer { blanks in
                    partEnds.withUnsafeMutableBufferPointer { ends in
                        let r = _UncheckedSendable(recs), n = _UncheckedSendable(newlines), b = _UncheckedSendable(blanks)
                        let e = _UncheckedSendable(ends)
                        parallelFor(parts) { p in
                            let found = Self.findLines(base.value, from: cuts[p], to: cuts[p + 1], dimensions: dimensions)
                            r.value[p] = found.records
                            n.value[p] = found.newlines
                            b.value[p] = found.blank
                            e.value[p] = found.end
                        }
                    }
                }
            }
        }
        // A part that stopped early ends the batch there; the rest comes with the next call.
        lastBatchWasCut = false
        if let p = (0 ..< parts).first(where: { partEnds[$0] < cuts[$0 + 1] }) {
            parts = p + 1
            chunkEnd = partEnds[p]
            partRecords.removeLast(partRecords.count - parts)
            lastBatchWasCut = true
        }
        var total = 0
        var lineBase = firstLine
        for p in 0 ..< parts {
            for i in partRecords[p].indices { partRecords[p][i].position += lineBase }
            lineBase += partNewlines[p]
            total += partRecords[p].count
            blankLines += partBlank[p]
        }
        ensureRecordCapacity(max(total, 1))
        var offset = 0
        var starts: [Int] = []
        for p in 0 ..< parts {
            starts.append(offset)
            partRecords[p].withUnsafeBufferPointer { src in
                if src.count > 0 { (records + offset).update(from: src.baseAddress!, count: src.count) }
            }
            offset += partRecords[p].count
        }
        starts.append(total)

        // Phase 2, in parallel: parse values into the caller's rows, counting what was tolerated.
        let values = destination(total)
        let dim = dimensions
        let recs = _UncheckedSendable(records)
        let out = _UncheckedSendable(values)
        var tallies = [TextRowTally](repeating: TextRowTally(), count: parts)
        tallies.withUnsafeMutableBufferPointer { tallies in
            let t = _UncheckedSendable(tallies)
            parallelFor(parts) { p in
                var tally = TextRowTally()
                for i in starts[p] ..< starts[p + 1] {
                    tally.add(Self.parseTextRow(base.value, &recs.value[i], dimensions: dim, into: out.value + i * dim), row: i)
                }
                t.value[p] = tally
            }
        }
        for tally in tallies {
            crlfRows += tally.crlf
            trailingWhitespaceRows += tally.trailing
            if tally.tabs > 0 {
                if firstTabSeparatedLine == nil { firstTabSeparatedLine = records[tally.firstTab].position }
                tabSeparatedRows += tally.tabs
            }
        }

        position = chunkEnd
        nextLine = lineBase
        let batch = RecordBatch(firstRow: nextRow, rows: UnsafeBufferPointer(start: records, count: total),
                                bytes: UnsafeRawPointer(buffer), values: values, dimensions: dim)
        nextRow += total
        return batch
    }

    /// Offset of the last `\n` in `position ..< end` (memrchr is not in Glibc's module).
    func lastNewlineOffset() -> Int? {
        var i = end - 1
        while i >= position {
            if buffer.load(fromByteOffset: i, as: UInt8.self) == 0x0A { return i }
            i -= 1
        }
        return nil
    }

    @inline(__always)
    func isSeparator(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }

    /// Finds non-blank lines in `[from, to)`; `position` holds the 0-based line index within the part.
    ///
    /// Every row gets `dimensions` values in the caller's destination, but a row of d values takes
    /// at least 2·d bytes (a separator and a digit per value): more rows than that are short, bad
    /// rows, and 2-byte lines under a header claiming 10⁶ values would ask for terabytes. So the
    /// scan stops (at `end` < `to`) before a row the bytes so far could not hold; valid rows never
    /// stop it.
    static func findLines(_ base: UnsafeRawPointer, from: Int, to: Int, dimensions: Int)
        -> (records: [RowRecord], newlines: Int, blank: Int, end: Int)
    {
        var records: [RowRecord] = []
        records.reserveCapacity((to - from) / 64 + 1)
        var lineStart = from
        var lineIndex = 0
        var blank = 0
        while lineStart < to {
            var lineEnd = to
            var next = to
            if let nl = memchr(base + lineStart, 0x0A, to - lineStart) {
                lineEnd = base.distance(to: UnsafeRawPointer(nl))
                next = lineEnd + 1
            }
            // Blank (whitespace-only) lines are skipped and counted.
            var k = lineStart
            while k < lineEnd {
                let b = base.load(fromByteOffset: k, as: UInt8.self)
                if b != 0x20 && b != 0x09 && b != 0x0D { break }
                k += 1
            }
            if k == lineEnd {
                blank += 1
            } else {
                // More rows than (bytes so far) / 2d + 1, without a division per row.
                if next - from < 2 * dimensions * records.count {
                    return (records, lineIndex, blank, lineStart)
                }
                records.append(RowRecord(start: lineStart, length: Int32(clamping: lineEnd - lineStart), wordLength: 0,
                                         position: lineIndex, invalidUTF8Offset: -1, statusKind: 0, statusValue: 0))
            }
            lineIndex += 1
            lineStart = next
        }
        return (records, lineIndex, blank, to)
    }
}
