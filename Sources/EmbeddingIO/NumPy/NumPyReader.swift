import EmbeddingCore

/// Reads a table from `NAME.npy` (a `[rows, dimensions]` float array) and `NAME.vocab.txt`.
///
/// Accepted value types: float32, float16 and float64, little- or big-endian (converted to
/// float32); the array must be 2-D and in C order. The vocabulary is UTF-8, one word per line
/// in row order; a final newline and `\r\n` line ends are accepted, blank lines are not.
enum NumPyReader {
    /// - Throws: ``TensorFileError`` with the byte offset in the `.npy` or the line in the vocabulary.
    /// - Complexity: O(file size); memory: the matrix and the vocabulary file.
    static func load(_ path: String, options: ReadOptions) throws -> (EmbeddingTable, LoadReport) {
        let file = try RandomAccessFile(path: path)
        let header = try NumPyHeader.read(file)
        let (rows, columns) = (header.shape[0], header.shape[1])
        let (rowBytes, rowOverflow) = columns.multipliedReportingOverflow(by: header.type.byteWidth)
        let (product, productOverflow) = rows.multipliedReportingOverflow(by: rowBytes)
        let (expected, overflow) = (product, rowOverflow || productOverflow)
        let available = file.size - header.dataOffset
        if overflow || available < expected {
            throw TensorFileError.truncatedData(SourceLocation(path: path, byteOffset: file.size),
                                                expectedBytes: overflow ? Int.max : expected, foundBytes: available)
        }
        if available > expected {
            throw TensorFileError.trailingBytes(SourceLocation(path: path, byteOffset: header.dataOffset + expected),
                                                count: available - expected)
        }
        let vocabularyPath = NumPyFormat.vocabularyPath(for: path)
        let words = try readVocabulary(vocabularyPath, matrixPath: path, rows: rows)
        let take = min(rows, options.limit ?? rows)
        var matrix = RowMatrix(columns: columns, reservingRows: take)
        try StoredValueType.read(header.type, bigEndian: header.bigEndian, from: file, at: header.dataOffset,
                                 rows: take, into: &matrix)
        var report = LoadReport(path: path, format: .word2vecBinary, isGzip: false, header: nil, rows: take,
                                dimensions: columns, fileSize: file.size, bytesRead: header.dataOffset + take * columns * header.type.byteWidth)
        report.tableFormat = .numpy
        report.stoppedAtLimit = take < rows
        let table = try TableFile.assemble(matrix: matrix, words: Array(words.prefix(take)), options: options,
                                           report: &report) { SourceLocation(path: vocabularyPath, line: $0 + 1) }
        return (table, report)
    }

    /// The words of a vocabulary list, checked against the matrix's row count.
    static func readVocabulary(_ path: String, matrixPath: String, rows: Int) throws -> [[UInt8]] {
        let file: RandomAccessFile
        do { file = try RandomAccessFile(path: path) } catch {
            throw TensorFileError.missingVocabulary(path: path, matrixPath: matrixPath)
        }
        let bytes = try file.bytes(at: 0, count: file.size)
        var words: [[UInt8]] = []
        words.reserveCapacity(rows)
        var start = 0
        while start < bytes.count {
            let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
            var word = Array(bytes[start ..< end])
            if word.last == 0x0D { word.removeLast() }
            if word.isEmpty { throw TensorFileError.emptyWord(SourceLocation(path: path, line: words.count + 1)) }
            words.append(word)
            start = end + 1
        }
        guard words.count == rows else {
            throw TensorFileError.vocabularyCountMismatch(SourceLocation(path: path, line: min(words.count, rows) + 1),
                                                          words: words.count, rows: rows)
        }
        return words
    }
}
