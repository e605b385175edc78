#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import EmbeddingCore

/// Reads and writes tables in every ``TableFileFormat``; the streamed formats go through
/// ``EmbeddingReader`` and ``EmbeddingWriter``, the array and model formats through their own
/// readers and writers (`NumPy/`, `SafeTensors/`, `FastText/`).
public enum TableFile {
    /// The array or model format of `path`, recognised by its first bytes (NumPy's `\x93NUMPY`,
    /// fastText's magic number 793712314, a safetensors header), or by a `.npy` / `.safetensors`
    /// name; nil for everything else (word2vec and GloVe files, gzip, standard input).
    public static func detectForeignFormat(_ path: String) -> TableFileFormat? {
        // Only regular files: opening a FIFO without a writer would block, and reading a pipe would consume it.
        var info = stat()
        guard path != "-", stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG,
              let file = try? RandomAccessFile(path: path) else { return nil }
        let head = (try? file.bytes(at: 0, count: 9)) ?? []
        if head.starts(with: NumPyFormat.magic) { return .numpy }
        if head.count >= 4, head.littleEndianInteger(at: 0, as: UInt32.self) == FastTextModel.magic { return .fastText }
        if head.count == 9, head[8] == UInt8(ascii: "{"), head[7] == 0, head[6] == 0, head[5] == 0 { return .safetensors }
        switch TableFileFormat.inferred(fromName: path) {
        case (.numpy?, false): return .numpy
        case (.safetensors?, false): return .safetensors
        default: return nil
        }
    }

    /// Loads `path` when it is an array or model file (see ``detectForeignFormat(_:)``), else nil.
    ///
    /// `options.limit`, `lowercase` and `unicodeErrors` apply as for text files.
    /// - Throws: ``TensorFileError`` or ``EmbeddingFileError``.
    public static func loadForeign(_ path: String, options: ReadOptions) throws -> (EmbeddingTable, LoadReport)? {
        guard options.format == nil, let format = detectForeignFormat(path) else { return nil }
        switch format {
        case .numpy: return try NumPyReader.load(path, options: options)
        case .safetensors: return try SafeTensorsReader.load(path, options: options)
        case .fastText: return try FastTextModel.load(path, options: options)
        default: return nil
        }
    }

    /// Throws ``TensorFileError/notStreamable(_:format:operation:)`` when `path` is an array or model
    /// file, for operations that stream word2vec/GloVe rows (`operation`: "audit", "sanitize").
    public static func refuseForeignFormat(_ path: String, operation: String) throws {
        if let format = detectForeignFormat(path) {
            throw TensorFileError.notStreamable(SourceLocation(path: path, byteOffset: 0), format: format.description, operation: operation)
        }
    }

    /// Writes `table` to `path` in any writable format.
    ///
    /// - Parameters:
    ///   - precision: ``ValuePrecision/float16`` for `.npy` and safetensors only.
    /// - Returns: for float16, how well the stored values reconstruct each row.
    /// - Throws: ``EmbeddingWriteError``.
    @discardableResult
    public static func write(_ table: EmbeddingTable, to path: String, format: TableFileFormat, gzip: Bool = false,
                             precision: ValuePrecision = .float32) throws -> PrecisionReport? {
        precondition(precision == .float32 || format.supportsHalfPrecision, "float16 is for .npy and safetensors")
        precondition(!gzip || format.supportsGzip, "gzip is for the text and binary formats")
        switch format {
        case .word2vecText, .word2vecBinary, .glove:
            try EmbeddingWriter.write(table, to: path, format: format.embeddingFormat!, gzip: gzip)
            return nil
        case .numpy: return try NumPyWriter.write(table, to: path, precision: precision)
        case .safetensors: return try SafeTensorsWriter.write(table, to: path, precision: precision)
        case .fastText: preconditionFailure("fastText models are read, not written")
        }
    }

    /// Builds the table of an array file from its matrix and words, applying `options`
    /// (lowercasing, the UTF-8 policy) and filling the report's counts.
    /// - Parameter wordLocation: where word `i` is, for errors.
    static func assemble(matrix: RowMatrix, words: [[UInt8]], options: ReadOptions, report: inout LoadReport,
                         wordLocation: (Int) -> SourceLocation) throws -> EmbeddingTable {
        precondition(words.count == matrix.rows)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(words.reduce(0) { $0 + $1.count })
        var offsets = [0]
        offsets.reserveCapacity(words.count + 1)
        for (row, word) in words.enumerated() {
            let valid = word.withUnsafeBytes { UTF8Validation.isValid($0) }
            if !valid {
                if options.unicodeErrors == .strict {
                    throw TensorFileError.invalidUTF8Word(wordLocation(row), word: String(decoding: word, as: UTF8.self))
                }
                report.invalidUTF8Rows.append(row)
            }
            if options.lowercase && valid {
                bytes.append(contentsOf: String(decoding: word, as: UTF8.self).lowercased().utf8)
            } else {
                bytes.append(contentsOf: word)
            }
            offsets.append(bytes.count)
        }
        let vocabulary = Vocabulary(concatenatedBytes: bytes, offsets: offsets)
        var nonFinite = 0
        matrix.withUnsafeBufferPointer { values in
            let columns = matrix.columns
            for row in 0 ..< matrix.rows where !values[row * columns ..< (row + 1) * columns].allSatisfy(\.isFinite) {
                nonFinite += 1
            }
        }
        report.rows = matrix.rows
        report.dimensions = matrix.columns
        report.nonFiniteRows = nonFinite
        report.duplicateRows = vocabulary.duplicates.count
        return EmbeddingTable(vocabulary: vocabulary, matrix: matrix)
    }
}
