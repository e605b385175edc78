#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CSupport
import Dispatch
import EmbeddingCore

/// Options shared by every reader.
public struct ReadOptions: Sendable {
    /// Force a format; nil detects it from the first bytes.
    public var format: EmbeddingFormat?
    /// Read only the first `limit` rows (the rest of the file is not looked at).
    public var limit: Int?
    /// Fold words to lowercase (Unicode `lowercased()`); collisions are kept and listed as duplicates.
    public var lowercase: Bool
    /// What to do with words that are not valid UTF-8.
    public var unicodeErrors: UnicodeErrorPolicy
    /// Threads used to parse text.
    public var threads: Int
    /// Refuse a header whose row count cannot fit in the file's size (loaders). The auditor and
    /// the sanitizer turn this off: a file cut right after its header is what they are for.
    public var checksHeaderAgainstFileSize = true
    /// Read past a first line that is a damaged header (``EmbeddingFileError/headerNotIntegers(_:found:rowDimensions:)``)
    /// when the rows agree on a dimension, instead of refusing the file (the sanitizer, which rewrites the header).
    public var skipsMalformedHeader = false
    /// Plain binary files at least this large are read through a memory map (tests lower it).
    var mapThreshold = 16 << 20
    /// Bytes mapped at a time, a multiple of the page size (tests lower it to cross windows).
    var mapWindow = 32 << 20

    public init(format: EmbeddingFormat? = nil, limit: Int? = nil, lowercase: Bool = false,
                unicodeErrors: UnicodeErrorPolicy = .strict, threads: Int = 2) {
        self.format = format
        self.limit = limit
        self.lowercase = lowercase
        self.unicodeErrors = unicodeErrors
        self.threads = max(1, threads)
    }
}

/// The header line of a word2vec file.
public struct FileHeader: Equatable, Sendable {
    /// Rows the header promises.
    public var count: Int
    /// Values per row.
    public var dimensions: Int
}

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

/// A batch of consecutive rows. Valid only until the reader's next call.
public struct RecordBatch {
    /// Index in the file (0-based, header excluded) of the batch's first row.
    public let firstRow: Int
    public let rows: UnsafeBufferPointer<RowRecord>
    let bytes: UnsafeRawPointer
    /// `rows.count × dimensions` values written to the caller's destination (row-major); a row
    /// whose ``RowRecord/status`` is not `.ok` holds unspecified values. Nil for a binary batch
    /// read in place (see ``EmbeddingRecordReader/nextBatchInPlace(destination:)``).
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

/// Streams the rows of a word2vec text, GloVe or word2vec binary file (gzipped or not) in
/// batches, parsing text on several threads. The loader (``EmbeddingReader``) and the
/// auditor are built on it.
///
/// - Complexity: one pass; memory is one chunk (8 MiB; for plain binary files of 16 MiB and
///   more, a 32 MiB read-only map window; more if a row is longer) plus per-row metadata for
///   a chunk, independent of the file size.
public final class EmbeddingRecordReader {
    public let path: String
    public private(set) var format: EmbeddingFormat = .word2vecText
    public let isGzip: Bool
    /// The header, for word2vec formats.
    public private(set) var header: FileHeader?
    /// Values per row.
    public private(set) var dimensions: Int = 0
    /// Size on disk (compressed for gzip), nil for pipes.
    public let fileSize: Int?
    /// A UTF-8 byte-order mark was skipped at the start.
    public private(set) var skippedByteOrderMark = false
    /// Lines that held only whitespace, skipped (text formats).
    public private(set) var blankLines = 0
    /// Rows whose line ended in `\r\n`.
    public private(set) var crlfRows = 0
    /// Rows with whitespace after the last value (as fastText writes).
    public private(set) var trailingWhitespaceRows = 0
    /// Binary: whether rows end with `\n` (word2vec.c) or not (gensim).
    public private(set) var binaryRowsEndWithNewline: Bool?
    /// Bytes of (decompressed) input consumed so far.
    public var bytesConsumed: Int { streamOffset + position }

    let source: ByteSource
    let threads: Int
    let checksHeaderAgainstFileSize: Bool
    let skipsMalformedHeader: Bool
    /// The damaged header line that was skipped (with ``ReadOptions/skipsMalformedHeader``).
    public private(set) var skippedMalformedHeader: String?
    var buffer: UnsafeMutableRawPointer
    var capacity: Int
    /// Valid bytes are `position ..< end` of `buffer`.
    var position = 0
    var end = 0
    var atEOF = false
    /// Stream offset of `buffer[0]`.
    var streamOffset = 0
    /// Line number of the line starting at `position` (text).
    var nextLine = 1
    var nextRow = 0
    var records: UnsafeMutablePointer<RowRecord>
    var recordCapacity: Int
    /// The binary batch's words, gathered (see ``RecordBatch/packedWords``).
    var packedWords: UnsafeMutableRawPointer
    var packedWordCapacity = 1 << 16
    /// Set when a plain binary file is read through a sliding memory map instead of `read(2)`:
    /// `buffer` is then a read-only window of `capacity` bytes at file offset `streamOffset`,
    /// and the vectors are copied once (page cache → matrix) instead of twice. As with any
    /// memory-mapped reader, a file truncated by another process while it is read raises SIGBUS.
    var mapped: (fd: Int32, fileSize: Int, length: Int)?
    /// The last text batch ended early on short rows (see ``findLines(_:from:to:dimensions:)``).
    var lastBatchWasCut = false
    /// Binary batches whose second half was taken from the other thread's scan (for tests).
    var secondHalfMerges = 0

    static let chunkSize = 8 << 20
    /// Longest row we accept before calling the file misaligned / not line-based.
    static let maxRowBytes = 256 << 20
    static let maxDimensions = 1 << 20

    /// Opens `path` (`-` = standard input), detects gzip and the format, and reads the header.
    public init(path: String, options: ReadOptions = ReadOptions()) throws {
        let input = try OpenedInput.open(path)
        self.path = path
        self.source = input.source
        self.isGzip = input.isGzip
        self.fileSize = input.fileSize
        self.threads = options.threads
        self.checksHeaderAgainstFileSize = options.checksHeaderAgainstFileSize
        self.skipsMalformedHeader = options.skipsMalformedHeader
        capacity = Self.chunkSize
        buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity + 64, alignment: 64)
        recordCapacity = 4096
        records = UnsafeMutablePointer<RowRecord>.allocate(capacity: recordCapacity)
        packedWords = UnsafeMutableRawPointer.allocate(byteCount: packedWordCapacity, alignment: 64)
        if !input.head.isEmpty {
            let target = buffer
            input.head.withUnsafeBytes { target.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            end = input.head.count
        }
        try fill()
        if end == 0 { throw EmbeddingFileError.emptyFile(path: path) }
        try refuseUnsupportedEncodings()
        if end >= 3, buffer.load(as: UInt8.self) == 0xEF, buffer.load(fromByteOffset: 1, as: UInt8.self) == 0xBB,
           buffer.load(fromByteOffset: 2, as: UInt8.self) == 0xBF {
            position = 3
            skippedByteOrderMark = true
        }
        let (format, header, dimensions) = try detect(forced: options.format)
        self.format = format
        self.header = header
        self.dimensions = dimensions
        if format == .word2vecBinary, !input.isGzip, let size = input.fileSize, size >= options.mapThreshold,
           let file = input.source as? FileByteSource {
            mapFile(fd: file.fd, size: size, window: max(Self.pageSize, options.mapWindow & ~(Self.pageSize - 1)))
        }
    }

    deinit {
        if let mapped { munmap(buffer, mapped.length) } else { buffer.deallocate() }
        records.deallocate()
        packedWords.deallocate()
    }

    // MARK: memory-mapped binary input

    /// The default window (32 MiB) is large enough for few remaps and small enough to keep the
    /// peak memory at the matrix plus one window.
    static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    /// Switches to reading through a map from the current position; stays with `read(2)` if
    /// the map fails.
    private func mapFile(fd: Int32, size: Int, window length: Int) {
        let absolute = streamOffset + position
        guard let window = mapWindow(fd: fd, size: size, at: absolute, length: length) else { return }
        buffer.deallocate()
        install(window, fd: fd, size: size, at: absolute, length: length)
    }

    /// Maps `length` bytes (fewer at the end of the file) from the page holding `absolute`.
    private func mapWindow(fd: Int32, size: Int, at absolute: Int, length: Int) -> (UnsafeMutableRawPointer, Int, Int)? {
        var aligned = absolute & ~(Self.pageSize - 1)
        if aligned >= size { aligned = max(0, (size - 1) & ~(Self.pageSize - 1)) }
        let count = min(length, size - aligned)
        guard count > 0 else { return nil }
        #if canImport(Glibc)
        let flags = MAP_PRIVATE | MAP_POPULATE
        #else
        let flags = MAP_PRIVATE
        #endif
        guard let base = mmap(nil, count, PROT_READ, flags, fd, off_t(aligned)), base != MAP_FAILED else { return nil }
        return (base, aligned, count)
    }

    private func install(_ window: (UnsafeMutableRawPointer, Int, Int), fd: Int32, size: Int, at absolute: Int, length: Int) {
        let (base, aligned, count) = window
        buffer = base
        capacity = length
        streamOffset = aligned
        position = absolute - aligned
        end = count
        atEOF = aligned + count >= size
        mapped = (fd, size, count)
    }

    /// Moves the window to start at the first unread byte; doubles it when that gains nothing
    /// (a row longer than the window).
    private func remap(growing: Bool) throws {
        guard let current = mapped else { return }
        let absolute = streamOffset + position
        var length = capacity
        if growing || (absolute & ~(Self.pageSize - 1)) == streamOffset {
            guard length < Self.maxRowBytes else {
                throw EmbeddingFileError.implausibleHeader(
                    location(atLine: nextLine), count: header?.count ?? 0, dimensions: dimensions,
                    reason: "a single row is longer than \(Self.maxRowBytes >> 20) MiB")
            }
            length *= 2
        }
        guard let window = mapWindow(fd: current.fd, size: current.fileSize, at: absolute, length: length) else {
            throw EmbeddingFileError.cannotRead(path: path, reason: "mmap failed: \(String(cString: strerror(errno)))")
        }
        munmap(buffer, current.length)
        install(window, fd: current.fd, size: current.fileSize, at: absolute, length: length)
    }

    // MARK: buffer management

    /// Moves unread bytes to the front and reads until the buffer is full or the input ends.
    func fill() throws {
        if mapped != nil {
            if !atEOF { try remap(growing: false) }
            return
        }
        if position > 0 {
            let remaining = end - position
            if remaining > 0 { buffer.copyMemory(from: buffer + position, byteCount: remaining) }
            streamOffset += position
            end = remaining
            position = 0
        }
        while end < capacity && !atEOF {
            let n = try source.read(into: UnsafeMutableRawBufferPointer(start: buffer + end, count: capacity - end))
            if n == 0 { atEOF = true } else { end += n }
        }
    }

    /// Doubles the buffer (for a row longer than the chunk).
    func grow() throws {
        if mapped != nil {
            if !atEOF { try remap(growing: true) }
            return
        }
        guard capacity < Self.maxRowBytes else {
            throw EmbeddingFileError.implausibleHeader(
                location(atLine: nextLine), count: header?.count ?? 0, dimensions: dimensions,
                reason: "a single row is longer than \(Self.maxRowBytes >> 20) MiB")
        }
        let newCapacity = capacity * 2
        let new = UnsafeMutableRawPointer.allocate(byteCount: newCapacity + 64, alignment: 64)
        new.copyMemory(from: buffer + position, byteCount: end - position)
        buffer.deallocate()
        buffer = new
        streamOffset += position
        end -= position
        position = 0
        capacity = newCapacity
    }

    /// Grows the record array, keeping the first `keeping` records.
    func ensureRecordCapacity(_ n: Int, keeping: Int = 0) {
        if n <= recordCapacity { return }
        let newCapacity = max(n, recordCapacity * 2)
        let new = UnsafeMutablePointer<RowRecord>.allocate(capacity: newCapacity)
        if keeping > 0 { new.moveInitialize(from: records, count: keeping) }
        records.deallocate()
        records = new
        recordCapacity = newCapacity
    }

    /// Largest up-front reservation, in bytes, for an input whose size is unknown.
    static let maxUnsizedReservation = 64 << 20

    /// Caps a consumer's up-front reservation of `rows` rows of `bytesPerRow` bytes each. For a
    /// plain file, at the rows its size can hold (the auditor does not refuse a header that
    /// lies, so its count is not trusted); a gzip stream or
    /// a pipe has none, so its header may claim 10¹² rows: the reservation is then capped at
    /// 64 MiB and the consumer's storage grows as rows actually arrive.
    public func reservableRows(_ rows: Int, bytesPerRow: Int) -> Int {
        // Every row needs at least one byte per value plus a word and a separator.
        if let size = fileSize, !isGzip { return min(rows, size / (dimensions + 2) + 1) }
        return min(rows, max(1, Self.maxUnsizedReservation / max(1, bytesPerRow)))
    }

    func location(atLine line: Int, column: Int = 1) -> SourceLocation {
        SourceLocation(path: path, line: line, column: column)
    }

    /// Where a row is in the user's file: `position` is ``RowRecord/position`` (a line for text,
    /// a byte offset for binary); `column` is 1-based within the row.
    public func location(ofPosition position: Int, column: Int = 1) -> SourceLocation {
        format.isText ? SourceLocation(path: path, line: position, column: column)
                      : SourceLocation(path: path, byteOffset: position + column - 1)
    }

    func location(atByte offset: Int) -> SourceLocation {
        SourceLocation(path: path, byteOffset: offset)
    }

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

    private func detect(forced: EmbeddingFormat?) throws -> (EmbeddingFormat, FileHeader?, Int) {
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

    private func checkDimensions(count: Int?, dimensions: Int) throws {
        let location = self.location(atLine: 1)
        if dimensions == 0 {
            throw EmbeddingFileError.implausibleHeader(location, count: count ?? 0, dimensions: 0, reason: "rows need at least one value")
        }
        if dimensions > Self.maxDimensions {
            throw EmbeddingFileError.implausibleHeader(location, count: count ?? 0, dimensions: dimensions,
                                                       reason: "more than \(Self.maxDimensions) values per row")
        }
        if checksHeaderAgainstFileSize, let count, let size = fileSize, !isGzip, count > 0 {
            // Every row needs at least one byte per value plus a word and a separator.
            let (minimum, overflow) = count.multipliedReportingOverflow(by: dimensions + 2)
            if overflow || minimum > size {
                throw EmbeddingFileError.implausibleHeader(
                    location, count: count, dimensions: dimensions,
                    reason: "\(count) rows of \(dimensions) values cannot fit in a file of \(size) bytes")
            }
        }
    }

    /// Text rows continue with printable UTF-8 after the word; float32 bytes almost never do
    /// (a control byte or an invalid UTF-8 sequence appears within a few values).
    private func looksBinary(dimensions: Int) throws -> Bool {
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

    // MARK: batches

    /// Parses the next batch of rows. `destination(n)` is called once with the batch's row
    /// count and must return room for `n × dimensions` values. Returns nil at the end.
    ///
    /// - Throws: ``EmbeddingFileError`` for problems that make the rest of the file unreadable
    ///   (gzip damage, a truncated or misaligned binary row, a row beyond 256 MiB).
    public func nextBatch(destination: (Int) -> UnsafeMutablePointer<Scalar>) throws -> RecordBatch? {
        switch format {
        case .word2vecText, .glove: return try nextTextBatch(destination: destination)
        case .word2vecBinary: return try nextBinaryBatch(destination: destination, inPlace: false)
        }
    }

    /// Like ``nextBatch(destination:)``, but binary rows are left where they are: the batch's
    /// `values` is nil, ``RecordBatch/rawValues(_:)`` points into the reader's buffer and
    /// ``RowRecord/hasNonFinite`` is not computed. For a single pass over the values (the
    /// audit), this saves copying the whole file once. Text rows are parsed into `destination`.
    public func nextBatchInPlace(destination: (Int) -> UnsafeMutablePointer<Scalar>) throws -> RecordBatch? {
        switch format {
        case .word2vecText, .glove: return try nextTextBatch(destination: destination)
        case .word2vecBinary: return try nextBinaryBatch(destination: destination, inPlace: true)
        }
    }

    private func nextTextBatch(destination: (Int) -> UnsafeMutablePointer<Scalar>) throws -> RecordBatch? {
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

        // Phase 2, in parallel: parse values into the caller's rows.
        let values = destination(total)
        let dim = dimensions
        let recs = _UncheckedSendable(records)
        let out = _UncheckedSendable(values)
        var partCRLF = [Int](repeating: 0, count: parts)
        var partTrailing = [Int](repeating: 0, count: parts)
        partCRLF.withUnsafeMutableBufferPointer { crlf in
            partTrailing.withUnsafeMutableBufferPointer { trailing in
                let c = _UncheckedSendable(crlf), t = _UncheckedSendable(trailing)
                parallelFor(parts) { p in
                    var crlfCount = 0, trailingCount = 0
                    for i in starts[p] ..< starts[p + 1] {
                        let flags = Self.parseTextRow(base.value, &recs.value[i], dimensions: dim, into: out.value + i * dim)
                        crlfCount += Int(flags & 1)
                        trailingCount += Int(flags >> 1)
                    }
                    c.value[p] = crlfCount
                    t.value[p] = trailingCount
                }
            }
        }
        crlfRows += partCRLF.reduce(0, +)
        trailingWhitespaceRows += partTrailing.reduce(0, +)

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

    /// Whether any of `n` values is NaN or ±Inf (exponent bits all ones), 8 lanes at a time:
    /// the masked exponent never exceeds `0x7F800000`, so its maximum reaches it iff one does.
    @inline(__always)
    static func containsNonFinite(_ p: UnsafePointer<Scalar>, _ n: Int) -> Bool {
        let exponent: UInt32 = 0x7F80_0000
        let raw = UnsafeRawPointer(p)
        var highest = SIMD8<UInt32>(repeating: 0)
        var i = 0
        while i &+ 8 <= n {
            let v = raw.loadUnaligned(fromByteOffset: i &* 4, as: SIMD8<UInt32>.self)
            highest = pointwiseMax(highest, v & exponent)
            i &+= 8
        }
        var tail: UInt32 = 0
        while i < n {
            tail = max(tail, raw.loadUnaligned(fromByteOffset: i &* 4, as: UInt32.self) & exponent)
            i &+= 1
        }
        return max(highest.max(), tail) == exponent
    }

    /// Copies `n` values from `source` (unaligned) to `target` and tells whether any is NaN or
    /// ±Inf, in one pass (copy, then check, reads every value twice).
    @inline(__always)
    static func copyCheckingFinite(from source: UnsafeRawPointer, to target: UnsafeMutablePointer<Scalar>, _ n: Int) -> Bool {
        let exponent: UInt32 = 0x7F80_0000
        let out = UnsafeMutableRawPointer(target)
        var highest = SIMD8<UInt32>(repeating: 0)
        var i = 0
        while i &+ 16 <= n {
            let a = source.loadUnaligned(fromByteOffset: i &* 4, as: SIMD8<UInt32>.self)
            let b = source.loadUnaligned(fromByteOffset: (i &+ 8) &* 4, as: SIMD8<UInt32>.self)
            out.storeBytes(of: a, toByteOffset: i &* 4, as: SIMD8<UInt32>.self)
            out.storeBytes(of: b, toByteOffset: (i &+ 8) &* 4, as: SIMD8<UInt32>.self)
            highest = pointwiseMax(highest, pointwiseMax(a & exponent, b & exponent))
            i &+= 16
        }
        var tail: UInt32 = 0
        while i < n {
            let v = source.loadUnaligned(fromByteOffset: i &* 4, as: UInt32.self)
            out.storeBytes(of: v, toByteOffset: i &* 4, as: UInt32.self)
            tail = max(tail, v & exponent)
            i &+= 1
        }
        return max(highest.max(), tail) == exponent
    }

    // MARK: binary

    private func nextBinaryBatch(destination: (Int) -> UnsafeMutablePointer<Scalar>, inPlace: Bool) throws -> RecordBatch? {
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
        if ahead < end { charvec_prefetch(buffer + ahead) }
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
    private func startSecondHalfScan(vectorBytes: Int) -> HalfScan? {
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

    /// Reads more input while keeping `scan` (an offset into the buffer) valid.
    private func refillForBinary(_ scan: inout Int) throws {
        position = scan
        if end - position == capacity { try grow() }
        try fill()
        scan = position
    }

    private func checkBinaryWord(from: Int, to: Int, row: Int) throws {
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

    private func describeMisalignment(wordStart: Int, wordEnd: Int, at offset: Int) -> String {
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

    private func isOnlyWhitespace(from start: Int) -> Bool {
        for i in start ..< end {
            let b = buffer.load(fromByteOffset: i, as: UInt8.self)
            if b != 0x0A && b != 0x0D && b != 0x20 { return false }
        }
        return true
    }
}
