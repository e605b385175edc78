#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import EmbeddingCore

/// The header line of a word2vec file.
public struct FileHeader: Equatable, Sendable {
    /// Rows the header promises.
    public var count: Int
    /// Values per row.
    public var dimensions: Int
}

extension EmbeddingRecordReader {
    // MARK: format detection

    /// The end (exclusive, before `\r`) of the line starting at `from`, and the start of the next line.
    func lineBounds(from: Int) -> (contentEnd: Int, next: Int)? {
        guard let nl = memchr(buffer + from, 0x0A, end - from) else { return nil }
        let nlOffset = buffer.distance(to: UnsafeMutableRawPointer(nl))
        var contentEnd = nlOffset
        if contentEnd > from && buffer.load(fromByteOffset: contentEnd - 1, as: UInt8.self) == 0x0D { contentEnd -= 1 }
        return (contentEnd, nlOffset + 1)
    }

    /// The first line, growing the buffer if needed; the whole rest of the input if it has no newline.
    func firstLine() throws -> (contentEnd: Int, next: Int) {
        while true {
            if let bounds = lineBounds(from: position) { return bounds }
            if atEOF {
                var contentEnd = end
                if contentEnd > position && buffer.load(fromByteOffset: contentEnd - 1, as: UInt8.self) == 0x0D { contentEnd -= 1 }
                return (contentEnd, end)
            }
            if end == capacity { try grow() }
            try fill()
        }
    }

    func tokens(_ start: Int, _ stop: Int) -> [(Int, Int)] {
        var result: [(Int, Int)] = []
        var i = start
        while i < stop {
            while i < stop, isSeparator(buffer.load(fromByteOffset: i, as: UInt8.self)) { i += 1 }
            if i >= stop { break }
            let s = i
            while i < stop, !isSeparator(buffer.load(fromByteOffset: i, as: UInt8.self)) { i += 1 }
            result.append((s, i))
        }
        return result
    }

    func text(_ start: Int, _ stop: Int, limit: Int = 80) -> String {
        let n = min(stop - start, limit)
        let s = String(decoding: UnsafeRawBufferPointer(start: buffer + start, count: max(0, n)), as: UTF8.self)
        return stop - start > limit ? s + "…" : s
    }

    func parseInteger(_ start: Int, _ stop: Int) -> Int? {
        guard stop > start, stop - start <= 18 else { return nil }
        var value = 0
        for i in start ..< stop {
            let digit = buffer.load(fromByteOffset: i, as: UInt8.self) &- 48
            guard digit < 10 else { return nil }
            value = value * 10 + Int(digit)
        }
        return value
    }

    func detect(forced: EmbeddingFormat?) throws -> (EmbeddingFormat, FileHeader?, Int) {
        let (contentEnd, next) = try firstLine()
        let fields = tokens(position, contentEnd)
        var header: FileHeader?
        if fields.count == 2, let count = parseInteger(fields[0].0, fields[0].1),
           let dimensions = parseInteger(fields[1].0, fields[1].1) {
            header = FileHeader(count: count, dimensions: dimensions)
        }
        if forced == .glove || (forced == nil && header == nil) {
            // GloVe: the first line is already a row; its token count gives the dimension.
            guard fields.count >= 2 else {
                throw EmbeddingFileError.malformedHeader(location(atLine: 1), found: text(position, contentEnd))
            }
            // The dimension most of the first rows agree on: the first row may be cut off,
            // or be a damaged header (`2.0 3`), which is refused rather than read as a row.
            let majority = Self.majorityDimension(leadingTokenCounts(from: position))
            if forced == nil, fields.count <= 3, majority != fields.count - 1, isAllNumeric(fields) {
                if skipsMalformedHeader, let majority {
                    try checkDimensions(count: nil, dimensions: majority)
                    skippedMalformedHeader = text(position, contentEnd)
                    position = next
                    nextLine = 2
                    return (.word2vecText, nil, majority)
                }
                throw EmbeddingFileError.headerNotIntegers(location(atLine: 1), found: text(position, contentEnd),
                                                           rowDimensions: majority)
            }
            let dimensions = majority ?? fields.count - 1
            try checkDimensions(count: nil, dimensions: dimensions)
            return (.glove, nil, dimensions)
        }
        guard let header else {
            throw EmbeddingFileError.malformedHeader(location(atLine: 1), found: text(position, contentEnd))
        }
        try checkDimensions(count: header.count, dimensions: header.dimensions)
        position = next
        nextLine = 2
        var format = forced ?? .word2vecText
        if forced == nil, try looksBinary(dimensions: header.dimensions), !leadingLinesParseAsText(dimensions: header.dimensions) {
            format = .word2vecBinary
        }
        if format == .word2vecBinary { try checkBinaryStride(header: header) }
        return (format, header, header.dimensions)
    }

    /// Text rows continue with printable UTF-8 after the word; float32 bytes almost never do
    /// (a control byte or an invalid UTF-8 sequence appears within a few values).
    func looksBinary(dimensions: Int) throws -> Bool {
        let window = 4 * dimensions + 256
        while end - position < min(window, capacity) && !atEOF && end < capacity { try fill() }
        let stop = min(end, position + window)
        var i = position
        while i < stop, buffer.load(fromByteOffset: i, as: UInt8.self) == 0x0A { i += 1 }
        // Skip the word.
        while i < stop {
            let b = buffer.load(fromByteOffset: i, as: UInt8.self)
            if b == 0x20 { break }
            if b == 0x0A { return false }
            i += 1
        }
        i += 1
        let valueEnd = min(stop, i + 4 * dimensions)
        if valueEnd <= i { return false }
        for k in i ..< valueEnd {
            let b = buffer.load(fromByteOffset: k, as: UInt8.self)
            if (b < 0x20 && b != 0x09 && b != 0x0A && b != 0x0D) || b == 0x7F { return true }
        }
        // A multi-byte character may be cut by the window's end: judge only up to the last ASCII byte.
        var last = valueEnd
        while last > i && buffer.load(fromByteOffset: last - 1, as: UInt8.self) >= 0x80 && valueEnd - last < 4 { last -= 1 }
        return !UTF8Validation.isValid(UnsafeRawBufferPointer(start: buffer + i, count: last - i))
    }
}
