#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import EmbeddingCore

/// Streams the rows of a word2vec text, GloVe or word2vec binary file (gzipped or not) in
/// batches, parsing text on several threads. The loader (``EmbeddingReader``) and the
/// auditor are built on it.
///
/// - Complexity: one pass; memory is one chunk (8 MiB; for plain binary files of 16 MiB and
///   more, a 32 MiB read-only map window; more if a row is longer) plus per-row metadata for
///   a chunk, independent of the file size.
public final class EmbeddingRecordReader {
    public let path: String
    public internal(set) var format: EmbeddingFormat = .word2vecText
    public let isGzip: Bool
    /// The header, for word2vec formats.
    public internal(set) var header: FileHeader?
    /// Values per row.
    public internal(set) var dimensions: Int = 0
    /// Size on disk (compressed for gzip), nil for pipes.
    public let fileSize: Int?
    /// A UTF-8 byte-order mark was skipped at the start.
    public internal(set) var skippedByteOrderMark = false
    /// Lines that held only whitespace, skipped (text formats).
    public internal(set) var blankLines = 0
    /// Rows whose line ended in `\r\n`.
    public internal(set) var crlfRows = 0
    /// Rows with whitespace after the last value (as fastText writes).
    public internal(set) var trailingWhitespaceRows = 0
    /// Text rows whose fields are separated (at least once) by a tab instead of a space: accepted.
    public internal(set) var tabSeparatedRows = 0
    /// The line of the first such row.
    public internal(set) var firstTabSeparatedLine: Int?
    /// Binary: whether rows end with `\n` (word2vec.c) or not (gensim).
    public internal(set) var binaryRowsEndWithNewline: Bool?
    /// Bytes of (decompressed) input consumed so far.
    public var bytesConsumed: Int { streamOffset + position }

    let source: ByteSource
    let threads: Int
    let checksHeaderAgainstFileSize: Bool
    let skipsMalformedHeader: Bool
    /// The damaged header line that was skipped (with ``ReadOptions/skipsMalformedHeader``).
    public internal(set) var skippedMalformedHeader: String?
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
        capacity = ReadLimits.chunkSize
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

    // MARK: batches

    /// Parses the next batch of rows and hands it to `body`; returns false, without calling
    /// `body`, at the end of the rows. `destination(n)` is called once with the batch's row count
    /// and must return room for `n × dimensions` values.
    ///
    /// The batch points into the reader's buffer and into `destination`'s memory, which the next
    /// read reuses: it exists only inside `body`, so none of its pointers can outlive its rows.
    ///
    /// - Parameter inPlace: leave binary rows where they are: the batch's `values` is nil,
    ///   ``RecordBatch/rawValues(_:)`` points into the reader's buffer and
    ///   ``RowRecord/hasNonFinite`` is not computed. For a single pass over the values (the
    ///   audit), this saves copying the whole file once. Text rows are parsed into `destination`.
    /// - Throws: ``EmbeddingFileError`` for problems that make the rest of the file unreadable
    ///   (gzip damage, a truncated or misaligned binary row, a row beyond 256 MiB); what `body` throws.
    @discardableResult
    public func readBatch(inPlace: Bool = false, destination: (Int) -> UnsafeMutablePointer<Scalar>,
                          _ body: (RecordBatch) throws -> Void) throws -> Bool {
        guard let batch = try nextBatch(inPlace: inPlace, destination: destination) else { return false }
        try body(batch)
        return true
    }

    /// The next batch, valid until the next call, or nil at the end (the loader's loop; see
    /// ``readBatch(inPlace:destination:_:)``).
    func nextBatch(inPlace: Bool = false, destination: (Int) -> UnsafeMutablePointer<Scalar>) throws -> RecordBatch? {
        switch format {
        case .word2vecText, .glove: return try nextTextBatch(destination: destination)
        case .word2vecBinary: return try nextBinaryBatch(destination: destination, inPlace: inPlace)
        }
    }
}
