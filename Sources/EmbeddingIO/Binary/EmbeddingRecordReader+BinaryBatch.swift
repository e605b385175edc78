#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import EmbeddingCore

extension EmbeddingRecordReader {
    // MARK: binary

    func nextBinaryBatch(destination: (Int) -> UnsafeMutablePointer<Scalar>, inPlace: Bool) throws -> RecordBatch? {
        let vectorBytes = 4 * dimensions
        var count = 0
        var scan = position
        // Big windows: a second thread scans the second half from a guessed row start; the
        // result is used only if this loop lands exactly on that start (so it is the same).
        var secondHalf: HalfScan?
        var triedAtOffset = -1
        defer { _ = secondHalf?.wait() }
        // The other thread reads the buffer: it must be done before the buffer moves.
        func refill() throws {
            _ = secondHalf?.wait()
            secondHalf = nil
            try refillForBinary(&scan)
        }
        while true {
            // At the start of the rows of each new buffer (this call may refill before any row).
            if secondHalf == nil && count == 0 && triedAtOffset != streamOffset {
                triedAtOffset = streamOffset
                secondHalf = startSecondHalfScan(vectorBytes: vectorBytes)
            }
            if let half = secondHalf, scan >= half.start {
                let (found, stop) = half.wait()
                if scan == half.start {
                    ensureRecordCapacity(count + found.count, keeping: count)
                    found.withUnsafeBufferPointer { (records + count).initialize(from: $0.baseAddress!, count: $0.count) }
                    count += found.count
                    scan = stop
                    secondHalfMerges += 1
                }
                secondHalf = nil
            }
            if count == recordCapacity { ensureRecordCapacity(recordCapacity * 2, keeping: count) }
            // One row: optional '\n', word, ' ', vector, and maybe '\n'.
            var rowStart = scan
            if rowStart < end && buffer.load(fromByteOffset: rowStart, as: UInt8.self) == 0x0A { rowStart += 1 }
            if rowStart >= end {
                if atEOF { scan = end; break }
                if count > 0 { break }
                try refill(); continue
            }
            let (wordEnd, firstControl, nonASCII) = Self.scanWord(buffer, from: rowStart, end: end)
            guard wordEnd < end else {
                if atEOF {
                    // Only whitespace may follow the last row; anything else is a row cut off in its word.
                    if isOnlyWhitespace(from: rowStart) { scan = end; break }
                    if count > 0 { break } // hand out the good rows first; the next call throws
                    throw EmbeddingFileError.truncatedBinary(location(atByte: streamOffset + rowStart),
                                                             row: nextRow + count, missingBytes: 1 + vectorBytes)
                }
                if count > 0 { break }
                try refill(); continue
            }
            let rowEnd = wordEnd + 1 + vectorBytes
            if rowEnd > end {
                if atEOF {
                    if count > 0 { break }
                    throw EmbeddingFileError.truncatedBinary(location(atByte: streamOffset + rowStart),
                                                             row: nextRow + count, missingBytes: rowEnd - end)
                }
                if count > 0 { break }
                try refill(); continue
            }
            if firstControl >= 0 || wordEnd - rowStart > 65536 {
                if count > 0 { break } // hand out the good rows first; the next call throws
                try checkBinaryWord(from: rowStart, to: wordEnd, row: nextRow + count)
            }
            var next = rowEnd
            // A row followed by '\n' (word2vec.c) or not (gensim): the first row decides, later rows must agree.
            if rowEnd < end || atEOF {
                let hasNewline = rowEnd < end && buffer.load(fromByteOffset: rowEnd, as: UInt8.self) == 0x0A
                if binaryRowsEndWithNewline == nil && rowEnd < end { binaryRowsEndWithNewline = hasNewline }
                if binaryRowsEndWithNewline == true && !hasNewline && rowEnd < end {
                    if count > 0 { break }
                    let found = describeMisalignment(wordStart: rowStart, wordEnd: wordEnd, at: rowEnd)
                    throw EmbeddingFileError.misalignedBinaryRow(location(atByte: streamOffset + rowEnd),
                                                                 row: nextRow + count, found: found)
                }
                if hasNewline { next = rowEnd + 1 }
            } else {
                // Need the next byte to know; read more first unless we already have rows.
                if count > 0 { break }
                try refill(); continue
            }
            Self.prefetchAhead(buffer, next: next, rowStart: rowStart, end: end)
            records[count] = Self.binaryRecord(buffer, rowStart: rowStart, wordEnd: wordEnd, rowEnd: rowEnd,
                                               streamOffset: streamOffset, nonASCII: nonASCII)
            count += 1
            scan = next
        }
        if count == 0 { position = scan; return nil }
        if inPlace {
            position = scan
            let batch = RecordBatch(firstRow: nextRow, rows: UnsafeBufferPointer(start: records, count: count),
                                    bytes: UnsafeRawPointer(buffer), values: nil, dimensions: dimensions)
            nextRow += count
            return batch
        }
        let values = destination(count)
        let parts = count >= 1024 ? threads : 1
        // Where each part's words start in `packedWords`.
        let partWordStart = RowRecord.wordStarts(of: UnsafeBufferPointer(start: records, count: count), parts: parts)
        let wordBytes = partWordStart[parts]
        if wordBytes > packedWordCapacity {
            packedWords.deallocate()
            packedWordCapacity = max(wordBytes, 2 * packedWordCapacity)
            packedWords = UnsafeMutableRawPointer.allocate(byteCount: packedWordCapacity, alignment: 64)
        }
        // Copy the vectors out (two threads for big batches: the page faults of a fresh
        // matrix then happen on both cores), flag non-finite rows and gather the words on the way.
        let box = _UncheckedSendable((records, UnsafeRawPointer(buffer), values, packedWords, partWordStart))
        let dim = dimensions
        // Two parts go to two fixed threads: with `concurrentPerform` a late worker can let the
        // caller take both halves, and the fresh pages' faults (most of this loop's time) then
        // run on one core.
        let split: ((Int) -> Void) -> Void = parts == 2 ? { SpinTeam.shared.run($0) } : { parallelFor(parts, $0) }
        split { part in
            let (records, buffer, values, words, partWordStart) = box.value
            var wordAt = partWordStart[part]
            for i in (count * part / parts) ..< (count * (part + 1) / parts) {
                let r = records[i]
                let word = buffer + r.start
                let wordLength = Int(r.wordLength)
                (words + wordAt).copyMemory(from: word, byteCount: wordLength)
                wordAt += wordLength
                let target = values + i * dim
                #if _endian(big)
                UnsafeMutableRawPointer(target).copyMemory(from: word + wordLength + 1, byteCount: vectorBytes)
                for k in 0 ..< dim { target[k] = Float(bitPattern: UInt32(littleEndian: target[k].bitPattern)) }
                records[i].hasNonFinite = Self.containsNonFinite(target, dim)
                #else
                records[i].hasNonFinite = Self.copyCheckingFinite(from: word + wordLength + 1, to: target, dim)
                #endif
            }
        }
        position = scan
        var batch = RecordBatch(firstRow: nextRow, rows: UnsafeBufferPointer(start: records, count: count),
                                bytes: UnsafeRawPointer(buffer), values: values, dimensions: dimensions)
        batch.packedWords = UnsafeRawPointer(packedWords)
        nextRow += count
        return batch
    }

    /// Reads more input while keeping `scan` (an offset into the buffer) valid.
    func refillForBinary(_ scan: inout Int) throws {
        position = scan
        if end - position == capacity { try grow() }
        try fill()
        scan = position
    }

    func checkBinaryWord(from: Int, to: Int, row: Int) throws {
        var i = from
        while i < to {
            let b = buffer.load(fromByteOffset: i, as: UInt8.self)
            if b < 0x20 || b == 0x7F {
                let found = "control byte 0x\(String(b, radix: 16, uppercase: true)) inside the word '\(text(from, to, limit: 40))'"
                throw EmbeddingFileError.misalignedBinaryRow(location(atByte: streamOffset + i), row: row, found: found)
            }
            i += 1
        }
        if to - from > 65536 {
            throw EmbeddingFileError.misalignedBinaryRow(location(atByte: streamOffset + from), row: row,
                                                         found: "a word of \(to - from) bytes")
        }
    }

    func describeMisalignment(wordStart: Int, wordEnd: Int, at offset: Int) -> String {
        let vectorStart = wordEnd + 1
        // If the vector starts with printable text ending in a space, the word had spaces in it.
        var i = vectorStart
        while i < min(offset, vectorStart + 64) {
            let b = buffer.load(fromByteOffset: i, as: UInt8.self)
            if b == 0x20 {
                return "byte 0x\(String(buffer.load(fromByteOffset: offset, as: UInt8.self), radix: 16, uppercase: true)) where a newline should end the vector; the word '\(text(wordStart, wordEnd))' seems to continue with '\(text(vectorStart, i))'"
            }
            if b < 0x21 || b > 0x7E { break }
            i += 1
        }
        return "byte 0x\(String(buffer.load(fromByteOffset: offset, as: UInt8.self), radix: 16, uppercase: true)) where a newline should end the vector of '\(text(wordStart, wordEnd))'"
    }

    func isOnlyWhitespace(from start: Int) -> Bool {
        for i in start ..< end {
            let b = buffer.load(fromByteOffset: i, as: UInt8.self)
            if b != 0x0A && b != 0x0D && b != 0x20 { return false }
        }
        return true
    }
}
