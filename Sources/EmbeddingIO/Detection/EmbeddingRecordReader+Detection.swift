#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import EmbeddingCore

/// Checks made once, when the file is opened, on the first rows in the buffer (the first chunk:
/// 8 MiB or the whole file). None of them runs per row, so the batch loops keep their speed.
extension EmbeddingRecordReader {
    /// Lines sampled to infer a header-less file's dimension.
    static let sampledLines = 32
    /// Bytes sampled at most (a few rows of a wide table).
    static let sampledBytes = 1 << 20

    /// Token counts of the first non-blank lines from `start` (up to ``sampledLines`` lines
    /// and ``sampledBytes`` bytes, within the buffer).
    func leadingTokenCounts(from start: Int) -> [Int] {
        var counts: [Int] = []
        var p = start
        while counts.count < Self.sampledLines, p < end, p - start < Self.sampledBytes {
            let bounds = lineBounds(from: p) ?? (atEOF ? (contentEnd: end, next: end) : nil)
            guard let (contentEnd, next) = bounds else { break }
            let n = tokenCount(p, contentEnd)
            if n > 0 { counts.append(n) }
            p = next
        }
        return counts
    }

    func tokenCount(_ start: Int, _ stop: Int) -> Int {
        var n = 0, inToken = false
        for i in start ..< stop {
            let separator = isSeparator(buffer.load(fromByteOffset: i, as: UInt8.self))
            if !separator && !inToken { n += 1 }
            inToken = !separator
        }
        return n
    }

    /// The dimension most of the sampled rows agree on (tokens − 1, the first line left out
    /// when others exist: it may be a cut row or a damaged header); nil without a clear majority.
    static func majorityDimension(_ counts: [Int]) -> Int? {
        let rows = counts.count > 1 ? Array(counts.dropFirst()) : counts
        var tally: [Int: Int] = [:]
        for n in rows where n >= 2 { tally[n - 1, default: 0] += 1 }
        guard let (dimensions, votes) = tally.max(by: { ($0.value, $0.key) < ($1.value, $1.key) }) else { return nil }
        return 2 * votes > rows.count ? dimensions : nil
    }

    /// Whether every token of the line is a number: a header written wrongly (`2.0 3`, `-3 4`,
    /// `+2 3`, `2 3 4`) rather than a GloVe row, whose first token is a word.
    func isAllNumeric(_ fields: [(Int, Int)]) -> Bool {
        let base = UnsafeRawPointer(buffer).assumingMemoryBound(to: UInt8.self)
        return fields.allSatisfy { FloatParser.parse(base + $0.0, base + $0.1) != nil }
    }

    /// Whether the first lines after the header (up to 8) are text rows: a word, then numbers
    /// only, `dimensions` of them in at least one row (a cut row may have fewer). A text file
    /// with a NUL, an escape or a Latin-1 byte in a small-dimension row's word looks binary to
    /// the byte test; this keeps it text. Float32 bytes almost never form such lines.
    func leadingLinesParseAsText(dimensions: Int) -> Bool {
        let base = UnsafeRawPointer(buffer).assumingMemoryBound(to: UInt8.self)
        var p = position, checked = 0, full = 0
        while checked < 8, p < end, p - position < Self.sampledBytes {
            guard let (contentEnd, next) = lineBounds(from: p) ?? (atEOF ? (end, end) : nil) else { break }
            let fields = tokens(p, contentEnd)
            if !fields.isEmpty {
                guard fields.count >= 2, fields.count <= dimensions + 1,
                      fields.dropFirst().allSatisfy({ FloatParser.parse(base + $0.0, base + $0.1) != nil }) else { return false }
                if fields.count == dimensions + 1 { full += 1 }
                checked += 1
            }
            p = next
        }
        return full > 0
    }

    /// Refuses inputs that are not embedding tables in a way a person can act on, instead of
    /// reading their bytes as garbage rows: UTF-16 text and fastText `.bin` models.
    func refuseUnsupportedEncodings() throws {
        guard end >= 4 else { return }
        let b = (0 ..< 4).map { buffer.load(fromByteOffset: $0, as: UInt8.self) }
        if b[0...3] == [0xBA, 0x16, 0x4F, 0x2F] { throw EmbeddingFileError.fastTextModel(path: path) }
        let bom = (b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF)
        let littleEndianASCII = b[0] != 0 && b[1] == 0 && b[2] != 0 && b[3] == 0
        let bigEndianASCII = b[0] == 0 && b[1] != 0 && b[2] == 0 && b[3] != 0
        if bom || littleEndianASCII || bigEndianASCII { throw EmbeddingFileError.utf16Text(path: path) }
    }

    // MARK: binary row stride

    /// How the first binary rows walk with a given number of values each.
    enum StrideWalk: Equatable {
        /// `rows` rows parsed and the walk stopped at its row limit.
        case aligned(rows: Int)
        /// `rows` rows parsed and ended exactly at the end of the input.
        case endedAtEOF(rows: Int)
        /// The buffer (not the input) ended after `rows` clean rows.
        case undecided(rows: Int)
        /// The row after `rows` clean ones runs past the end of the input.
        case truncated(rows: Int)
        /// A word with a control byte or invalid UTF-8, an empty word, or rows disagreeing on `\n`.
        case misaligned
    }

    /// Walks up to `limit` binary rows from `position` with `dimensions` values each, as the
    /// row loop would, but stricter: every word must be non-empty, free of control bytes and
    /// valid UTF-8, and rows must agree on ending with `\n`.
    func walkBinaryRows(dimensions: Int, limit: Int) -> StrideWalk {
        let vectorBytes = 4 * dimensions
        var p = position, newline: Bool?
        for row in 0 ..< limit {
            if p < end && buffer.load(fromByteOffset: p, as: UInt8.self) == 0x0A { p += 1 }
            if p >= end { return atEOF ? .endedAtEOF(rows: row) : .undecided(rows: row) }
            let wordLimit = min(end, p + 4096)
            let (wordEnd, firstControl, nonASCII) = Self.scanWord(buffer, from: p, end: wordLimit)
            if firstControl >= 0 || wordEnd == p { return .misaligned }
            if wordEnd == wordLimit { return wordEnd == end ? (atEOF ? .truncated(rows: row) : .undecided(rows: row)) : .misaligned }
            if nonASCII && !UTF8Validation.isValid(UnsafeRawBufferPointer(start: buffer + p, count: wordEnd - p)) {
                return .misaligned
            }
            let rowEnd = wordEnd + 1 + vectorBytes
            if rowEnd > end { return atEOF ? .truncated(rows: row) : .undecided(rows: row) }
            if rowEnd == end { return atEOF ? .endedAtEOF(rows: row + 1) : .undecided(rows: row + 1) }
            let hasNewline = buffer.load(fromByteOffset: rowEnd, as: UInt8.self) == 0x0A
            if let newline, newline && !hasNewline { return .misaligned }
            newline = newline ?? hasNewline
            p = hasNewline ? rowEnd + 1 : rowEnd
        }
        return .aligned(rows: limit)
    }

    /// Refuses a binary file whose header states the wrong dimension: its rows would be read
    /// shifted (garbage words, values like 4e27), or, when a wrong stride happens to line up
    /// with the words, the last row would look cut off. Nothing is said when the header's
    /// dimension walks the first rows cleanly (all of them when the whole file is in the
    /// buffer), nor when no other dimension walks them (the row loop then reports the first bad
    /// row, e.g. a word containing a space, or a truly truncated file).
    func checkBinaryStride(header: FileHeader) throws {
        let whole = atEOF
        let limit = whole ? min(max(header.count, 1), 1 << 16) : 64
        func walksCleanly(_ walk: StrideWalk) -> Bool {
            switch walk {
            case .aligned: return true
            case .endedAtEOF(let rows): return rows == limit || !whole
            case .undecided(let rows): return rows >= 8
            case .truncated, .misaligned: return false
            }
        }
        let stated = walkBinaryRows(dimensions: header.dimensions, limit: limit)
        switch stated {
        case .aligned, .undecided, .endedAtEOF: return
        case .truncated, .misaligned: break
        }
        let largest = min(ReadLimits.maxDimensions, (end - position) / 4)
        guard largest >= 1 else { return }
        for candidate in 1 ... largest where candidate != header.dimensions {
            if walksCleanly(walkBinaryRows(dimensions: candidate, limit: limit)) {
                throw EmbeddingFileError.binaryDimensionMismatch(location(atLine: 1), headerDimensions: header.dimensions,
                                                                 rowDimensions: candidate)
            }
        }
    }
}
