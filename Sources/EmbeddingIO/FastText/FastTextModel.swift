#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import EmbeddingCore

/// A fastText model file (`.bin`, facebookresearch/fastText `FastText::saveModel`), memory-mapped.
///
/// Layout (little-endian), as `fasttext.cc`, `args.cc`, `dictionary.cc` and `densematrix.cc` write it:
/// ```
/// int32 magic 793712314, int32 version (12; 11 is read too)
/// args:       int32 dim, ws, epoch, minCount, neg, wordNgrams, loss, model, bucket, minn, maxn,
///             lrUpdateRate; double t
/// dictionary: int32 size, nwords, nlabels; int64 ntokens, pruneidx_size;
///             size × (word bytes, 0, int64 count, int8 type 0 word / 1 label);
///             pruneidx_size × (int32 bucket, int32 row)
/// uint8 quantized; input matrix: int64 m (nwords + bucket), int64 n (dim), m × n float32
/// uint8 quantized; output matrix: int64 m, int64 n, m × n float32
/// ```
/// Only the input matrix is used: a word's vector is the mean of its own row and the rows of its
/// character n-grams (``wordVector(_:)``). Quantized models (`.ftz`) are refused.
///
/// Memory: the file is mapped, not copied; loading the table allocates only `words × dim` floats,
/// and the mapped pages read for the table are given back as it is filled (see `wordVectors(rows:)`).
public final class FastTextModel: @unchecked Sendable {
    /// fastText's `FASTTEXT_FILEFORMAT_MAGIC_INT32`.
    public static let magic: UInt32 = 793_712_314
    /// fastText's `FASTTEXT_VERSION`.
    public static let version: Int32 = 12

    /// The training arguments stored in the model.
    public struct Arguments: Sendable, Equatable {
        public var dimensions: Int
        public var windowSize: Int
        public var epochs: Int
        public var minimumCount: Int
        public var negatives: Int
        public var wordNgrams: Int
        /// fastText's `loss_name`: 1 hierarchical softmax, 2 negative sampling, 3 softmax, 4 one-vs-all.
        public var loss: Int
        /// fastText's `model_name`: 1 cbow, 2 skipgram, 3 supervised.
        public var model: Int
        public var buckets: Int
        public var minimumNgramLength: Int
        public var maximumNgramLength: Int

        /// "skipgram", "cbow" or "supervised".
        public var modelName: String { [1: "cbow", 2: "skipgram", 3: "supervised"][model] ?? "model \(model)" }
    }

    public let path: String
    public let arguments: Arguments
    /// The words (dictionary entries of type word), in the model's order (by decreasing count).
    ///
    /// Built on first use: its hash index (about 20 bytes a word) is needed to look words up
    /// (``subwordRows(of:)``, ``wordVector(_:)``), not to compute the table of the model's own words.
    public var vocabulary: Vocabulary {
        vocabularyCache.value { Vocabulary(concatenatedBytes: wordBytes, offsets: wordOffsets) }
    }
    /// The number of words (``vocabulary``'s count, without building it).
    public var wordCount: Int { wordOffsets.count - 1 }
    /// The words' bytes, one after the other, and where each starts (`wordCount + 1` offsets).
    let wordBytes: [UInt8]
    let wordOffsets: [Int]
    private let vocabularyCache = LockedCache<Vocabulary>()
    /// Dictionary entries of type label (supervised models).
    public let labelCount: Int
    /// Rows of the input matrix (`words + buckets`, or `words + pruned buckets`).
    public let inputRows: Int
    /// Bucket → row of the input matrix for pruned models; nil when not pruned.
    let pruneIndex: [Int32: Int32]?
    let inputOffset: Int
    let mapping: UnsafeRawBufferPointer

    /// Maps and checks `path`.
    /// - Throws: ``TensorFileError`` with the byte offset of the problem, or ``EmbeddingFileError/cannotRead(path:reason:)``.
    public init(path: String) throws {
        self.path = path
        let file = try RandomAccessFile(path: path)
        guard file.size >= 8 else {
            throw TensorFileError.truncatedData(SourceLocation(path: path, byteOffset: file.size), expectedBytes: 8, foundBytes: file.size)
        }
        guard let base = mmap(nil, file.size, PROT_READ, MAP_PRIVATE, file.fd, 0), base != MAP_FAILED else {
            throw EmbeddingFileError.cannotRead(path: path, reason: String(cString: strerror(errno)))
        }
        mapping = UnsafeRawBufferPointer(start: base, count: file.size)
        do {
            var cursor = FastTextCursor(bytes: mapping, path: path)
            (arguments, wordBytes, wordOffsets, labelCount, pruneIndex, inputRows, inputOffset) = try Self.parse(&cursor)
        } catch {
            munmap(base, file.size)
            throw error
        }
        // The header and dictionary were copied into `arguments` and `wordBytes`; the output
        // matrix was only skipped.
        releasePages(0 ..< inputOffset)
    }

    /// Gives back the mapped pages wholly inside `bytes` (offsets in the file) that have been
    /// read, so they stop counting in the process's resident memory (`madvise(MADV_DONTNEED)`:
    /// the mapping is read-only and private, so a later read maps the page from the file again).
    func releasePages(_ bytes: Range<Int>) {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let base = Int(bitPattern: mapping.baseAddress!)
        let lower = (base + max(bytes.lowerBound, 0) + page - 1) / page * page
        let upper = (base + min(bytes.upperBound, mapping.count)) / page * page
        guard upper > lower else { return }
        _ = madvise(UnsafeMutableRawPointer(bitPattern: lower), upper - lower, Int32(MADV_DONTNEED))
    }

    /// Gives back every mapped page read so far (see ``releasePages(_:)``).
    public func releaseAllPages() {
        releasePages(0 ..< mapping.count)
    }

    deinit { munmap(UnsafeMutableRawPointer(mutating: mapping.baseAddress), mapping.count) }

    static func parse(_ c: inout FastTextCursor) throws
        -> (Arguments, [UInt8], [Int], Int, [Int32: Int32]?, Int, Int)
    {
        let path = c.path
        let magic = UInt32(bitPattern: try c.int32())
        guard magic == Self.magic else {
            throw TensorFileError.badMagic(SourceLocation(path: path, byteOffset: 0), format: "fastText model",
                                           expected: "793712314", found: "\(magic)")
        }
        let version = try c.int32()
        guard version == 11 || version == 12 else {
            throw TensorFileError.unsupportedVersion(SourceLocation(path: path, byteOffset: 4), format: "fastText model",
                                                     found: "\(version)", supported: "11, 12")
        }
        let argumentsOffset = c.offset
        var values: [Int] = []
        for _ in 0 ..< 12 { values.append(Int(try c.int32())) }
        _ = try c.float64()  // t, the sampling threshold
        var arguments = Arguments(dimensions: values[0], windowSize: values[1], epochs: values[2], minimumCount: values[3],
                                  negatives: values[4], wordNgrams: values[5], loss: values[6], model: values[7],
                                  buckets: values[8], minimumNgramLength: values[9], maximumNgramLength: values[10])
        // fastText: version-11 supervised models did not use character n-grams.
        if version == 11 && arguments.model == 3 { arguments.maximumNgramLength = 0 }
        guard (1 ... 1 << 16).contains(arguments.dimensions), arguments.buckets >= 0,
              arguments.minimumNgramLength >= 0, arguments.maximumNgramLength >= 0 else {
            throw TensorFileError.malformedHeader(SourceLocation(path: path, byteOffset: argumentsOffset),
                                                  reason: "implausible arguments: dim \(values[0]), bucket \(values[8]), minn \(values[9]), maxn \(values[10])")
        }

        let dictionaryOffset = c.offset
        let size = Int(try c.int32()), words = Int(try c.int32()), labels = Int(try c.int32())
        _ = try c.int64()  // ntokens
        let pruneSize = Int(try c.int64())
        // Each entry takes at least 10 bytes (a byte of word, the 0, the count and the type).
        guard size >= 0, words >= 0, labels >= 0, words + labels == size, size <= c.remaining / 10,
              pruneSize >= -1, pruneSize <= c.remaining / 8 else {
            throw TensorFileError.malformedHeader(SourceLocation(path: path, byteOffset: dictionaryOffset),
                                                  reason: "implausible dictionary: \(size) entries, \(words) words, \(labels) labels, \(pruneSize) pruned buckets")
        }
        var bytes: [UInt8] = []
        var offsets = [0]
        offsets.reserveCapacity(words + 1)
        for entry in 0 ..< size {
            let entryOffset = c.offset
            let word = try c.cString()
            _ = try c.int64()  // count
            let type = try c.uint8()
            guard type == (entry < words ? 0 : 1), !word.isEmpty else {
                throw TensorFileError.malformedHeader(SourceLocation(path: path, byteOffset: entryOffset),
                                                      reason: "dictionary entry \(entry + 1) is \(word.isEmpty ? "empty" : type > 1 ? "of unknown type \(type)" : "out of order: words come before labels")")
            }
            if entry < words {
                bytes.append(contentsOf: word)
                offsets.append(bytes.count)
            }
        }
        var pruneIndex: [Int32: Int32]?
        if pruneSize >= 0 {
            var map: [Int32: Int32] = [:]
            for _ in 0 ..< pruneSize {
                let key = try c.int32()
                map[key] = try c.int32()
            }
            pruneIndex = map
        }

        let quantizedOffset = c.offset
        guard try c.uint8() == 0 else {
            throw TensorFileError.unsupportedModel(SourceLocation(path: path, byteOffset: quantizedOffset),
                                                   reason: "quantized fastText models (.ftz) are not supported; only dense .bin models are")
        }
        let matrixOffset = c.offset
        let rows = Int(try c.int64()), columns = Int(try c.int64())
        let expectedRows = words + (pruneIndex.map { $0.count } ?? arguments.buckets)
        guard rows == expectedRows, columns == arguments.dimensions else {
            throw TensorFileError.malformedHeader(SourceLocation(path: path, byteOffset: matrixOffset),
                                                  reason: "the input matrix is \(rows) × \(columns); the dictionary and arguments need \(expectedRows) × \(arguments.dimensions)")
        }
        let inputOffset = c.offset
        try c.skip(rows * columns * 4)
        // The output matrix is not used, but a file cut inside it is reported.
        if try c.uint8() == 0 {
            let outputRows = Int(try c.int64()), outputColumns = Int(try c.int64())
            guard outputRows >= 0, outputRows <= c.remaining, outputColumns == arguments.dimensions else {
                throw TensorFileError.malformedHeader(SourceLocation(path: path, byteOffset: c.offset - 16),
                                                      reason: "the output matrix is \(outputRows) × \(outputColumns)")
            }
            try c.skip(outputRows * outputColumns * 4)
            if c.remaining > 0 { throw TensorFileError.trailingBytes(SourceLocation(path: path, byteOffset: c.offset), count: c.remaining) }
        }
        return (arguments, bytes, offsets, labels, pruneIndex, rows, inputOffset)
    }

    /// Loads the table of word vectors (see ``TableFile/loadForeign(_:options:)``).
    static func load(_ path: String, options: ReadOptions) throws -> (EmbeddingTable, LoadReport) {
        let model = try FastTextModel(path: path)
        let take = min(model.wordCount, options.limit ?? Int.max)
        let matrix = model.wordVectors(rows: take)
        // The n-gram rows read are not needed for the table (a model kept for out-of-vocabulary
        // words maps them again).
        model.releaseAllPages()
        var report = LoadReport(path: path, format: .word2vecBinary, isGzip: false, header: nil, rows: take,
                                dimensions: model.arguments.dimensions, fileSize: model.mapping.count, bytesRead: model.mapping.count)
        report.tableFormat = .fastText
        report.stoppedAtLimit = take < model.wordCount
        let words = (0 ..< take).map { Array(model.wordBytes[model.wordOffsets[$0] ..< model.wordOffsets[$0 + 1]]) }
        let table = try TableFile.assemble(matrix: matrix, words: words, options: options, report: &report) { _ in
            SourceLocation(path: path, byteOffset: 0)
        }
        return (table, report)
    }
}

/// A value computed once, on first use, from any thread.
final class LockedCache<Value>: @unchecked Sendable {
    private let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private var cached: Value?

    init() { pthread_mutex_init(lock, nil) }
    deinit {
        pthread_mutex_destroy(lock)
        lock.deallocate()
    }

    func value(_ make: () -> Value) -> Value {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        if let cached { return cached }
        let made = make()
        cached = made
        return made
    }
}

/// Bounds-checked little-endian reads from a mapped file.
struct FastTextCursor {
    let bytes: UnsafeRawBufferPointer
    let path: String
    var offset = 0

    var remaining: Int { bytes.count - offset }

    mutating func take(_ n: Int) throws -> Int {
        guard n >= 0, n <= remaining else {
            throw TensorFileError.truncatedData(SourceLocation(path: path, byteOffset: bytes.count), expectedBytes: n, foundBytes: remaining)
        }
        defer { offset += n }
        return offset
    }

    mutating func int32() throws -> Int32 { Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: try take(4), as: Int32.self)) }
    mutating func int64() throws -> Int64 { Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: try take(8), as: Int64.self)) }
    mutating func float64() throws -> Double {
        Double(bitPattern: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: try take(8), as: UInt64.self)))
    }
    mutating func uint8() throws -> UInt8 { bytes[try take(1)] }
    mutating func skip(_ n: Int) throws { _ = try take(n) }

    /// Bytes up to a 0 byte (consumed, not returned).
    mutating func cString() throws -> [UInt8] {
        guard let end = bytes[offset...].firstIndex(of: 0) else {
            throw TensorFileError.truncatedData(SourceLocation(path: path, byteOffset: bytes.count), expectedBytes: remaining + 1, foundBytes: remaining)
        }
        defer { offset = end + 1 }
        return Array(bytes[offset ..< end])
    }
}
