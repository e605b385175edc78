import EmbeddingCore

/// Loads a whole embedding file into an ``EmbeddingTable``.
public enum EmbeddingReader {
    /// Reads `path` (`-` = standard input) in any supported format, gzipped or not.
    ///
    /// Text parsing runs on `options.threads` threads. Memory: the final matrix plus one
    /// 8 MiB chunk; the matrix grows with `realloc` when the header is absent or the
    /// input is compressed (no copy on Linux for large blocks).
    /// - Parameter progress: called after each batch with (bytes read, file size if known;
    ///   nil for gzip and pipes).
    /// - Throws: ``EmbeddingFileError`` for the first problem that makes the table wrong
    ///   (``TensorFileError`` for .npy, safetensors and fastText files, see ``TableFile``).
    /// - Complexity: O(file size).
    public static func load(_ path: String, options: ReadOptions = ReadOptions(),
                            progress: ((Int, Int?) -> Void)? = nil) throws -> (EmbeddingTable, LoadReport) {
        if let loaded = try TableFile.loadForeign(path, options: options) { return loaded }
        let reader = try EmbeddingRecordReader(path: path, options: options)
        return try load(from: reader, options: options, progress: progress)
    }

    /// Loads the rows of an already-opened reader.
    public static func load(from reader: EmbeddingRecordReader, options: ReadOptions = ReadOptions(),
                            progress: ((Int, Int?) -> Void)? = nil) throws
        -> (EmbeddingTable, LoadReport)
    {
        let dim = reader.dimensions
        let limit = options.limit ?? Int.max
        let initialRows = reader.initialLoadRows(limit: limit)
        var matrix = RowMatrix(columns: dim, reservingRows: max(initialRows, 1))
        // Words are gathered as bytes and indexed once at the end (on two threads).
        var wordBytes: [UInt8] = []
        wordBytes.reserveCapacity(max(initialRows, 1) * 10)
        var wordOffsets = [0]
        wordOffsets.reserveCapacity(max(initialRows, 1) + 1)
        var report = LoadReport(path: reader.path, format: reader.format, isGzip: reader.isGzip, header: reader.header,
                                rows: 0, dimensions: dim, fileSize: reader.fileSize, bytesRead: 0)
        var nonFinite = 0
        let expected = reader.header?.count

        while matrix.rows < limit {
            let base = matrix.rows
            var batchRows = 0
            guard let batch = try reader.nextBatch(destination: { n in
                batchRows = n
                return matrix._uninitializedRows(n)
            }) else { break }
            let take = min(batchRows, limit - base)
            // Words gathered by the reader are appended in one copy after the loop.
            let packed = options.lowercase ? nil : batch.packedWords
            let packedStart = wordBytes.count
            var packedLength = 0
            for i in 0 ..< take {
                let record = batch.rows[i]
                let row = base + i
                if let expected, row >= expected {
                    throw EmbeddingFileError.moreRowsThanHeader(location(reader, record), expected: expected)
                }
                switch record.status {
                case .ok: break
                case .wrongCount(let found):
                    throw EmbeddingFileError.wrongComponentCount(location(reader, record), word: batch.word(i),
                                                                 expected: dim, found: found)
                case .nonNumeric(let column):
                    let token = shortened(batch.token(i, column: column))
                    throw EmbeddingFileError.nonNumericComponent(location(reader, record, column: column),
                                                                 word: batch.word(i), token: token)
                }
                if record.invalidUTF8Offset >= 0 {
                    if options.unicodeErrors == .strict {
                        throw EmbeddingFileError.invalidUTF8(location(reader, record, column: Int(record.invalidUTF8Offset) + 1),
                                                             word: batch.word(i), byteOffsetInWord: Int(record.invalidUTF8Offset))
                    }
                    report.invalidUTF8Rows.append(row)
                }
                if packed != nil {
                    packedLength += Int(record.wordLength)
                    wordOffsets.append(packedStart + packedLength)
                } else {
                    if options.lowercase && record.invalidUTF8Offset < 0 {
                        wordBytes.append(contentsOf: batch.word(i).lowercased().utf8)
                    } else {
                        wordBytes.append(contentsOf: batch.wordBytes(i))
                    }
                    wordOffsets.append(wordBytes.count)
                }
                if record.hasNonFinite { nonFinite += 1 }
            }
            if let packed { wordBytes.append(contentsOf: UnsafeRawBufferPointer(start: packed, count: packedLength)) }
            matrix._commitRows(take)
            progress?(reader.bytesConsumed, reader.isGzip ? nil : reader.fileSize)
        }
        report.stoppedAtLimit = options.limit != nil && matrix.rows == limit
        if let expected, matrix.rows < expected, matrix.rows < limit {
            let location = reader.location(ofPosition: reader.format.isText ? reader.nextLine : reader.bytesConsumed)
            throw EmbeddingFileError.fewerRowsThanHeader(location, expected: expected, found: matrix.rows)
        }
        matrix.shrinkToFit()
        let vocabulary = Vocabulary(concatenatedBytes: wordBytes, offsets: wordOffsets)
        report.rows = matrix.rows
        report.bytesRead = reader.bytesConsumed
        report.skippedByteOrderMark = reader.skippedByteOrderMark
        report.blankLines = reader.blankLines
        report.crlfRows = reader.crlfRows
        report.trailingWhitespaceRows = reader.trailingWhitespaceRows
        report.tabSeparatedRows = reader.tabSeparatedRows
        report.firstTabSeparatedLine = reader.firstTabSeparatedLine
        report.binaryRowsEndWithNewline = reader.binaryRowsEndWithNewline
        report.nonFiniteRows = nonFinite
        report.duplicateRows = vocabulary.duplicates.count
        return (EmbeddingTable(vocabulary: vocabulary, matrix: matrix), report)
    }

    static func location(_ reader: EmbeddingRecordReader, _ record: RowRecord, column: Int = 1) -> SourceLocation {
        reader.location(ofPosition: record.position, column: column)
    }

    /// A token quoted in an error, cut to 40 characters.
    static func shortened(_ token: String) -> String {
        token.count > 40 ? String(token.prefix(40)) + "…" : token
    }
}
