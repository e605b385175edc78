import EmbeddingCore

/// Writes a table as `NAME.npy` (a C-ordered little-endian `[rows, dimensions]` array with the
/// header numpy ≥ 1.23 writes, byte for byte) and `NAME.vocab.txt` (one word per line).
enum NumPyWriter {
    /// Writes both files atomically (each to a temporary name, renamed when complete).
    /// - Returns: for float16, the reconstruction cosines.
    /// - Throws: ``EmbeddingWriteError`` (an empty word or one containing a line break cannot be listed).
    static func write(_ table: EmbeddingTable, to path: String, precision: ValuePrecision) throws -> PrecisionReport? {
        guard path != "-" else {
            throw EmbeddingWriteError.cannotWrite(path: path, reason: "a .npy table is two files (NAME.npy and NAME.vocab.txt); give a file name")
        }
        let vocabularyPath = NumPyFormat.vocabularyPath(for: path)
        try validateWords(table, path: vocabularyPath)
        let matrix = try OutputFile(path: path)
        try matrix.write(NumPyFormat.header(rows: table.count, columns: table.dimensions, precision: precision))
        try StoredValueType.write(table.matrix, precision: precision, to: matrix)
        let words = try OutputFile(path: vocabularyPath)
        var line: [UInt8] = []
        for row in 0 ..< table.count {
            line.removeAll(keepingCapacity: true)
            line.append(contentsOf: table.vocabulary.bytes(at: row))
            line.append(0x0A)
            try words.write(line)
        }
        try matrix.commit()
        try words.commit()
        return precision == .float16 ? PrecisionReport.measure(table.matrix) : nil
    }

    /// Words must be non-empty and hold no line break (spaces are fine in a list of lines).
    static func validateWords(_ table: EmbeddingTable, path: String) throws {
        for row in 0 ..< table.count {
            let bytes = table.vocabulary.bytes(at: row)
            if bytes.isEmpty || bytes.contains(0x0A) || bytes.contains(0x0D) {
                throw EmbeddingWriteError.unwritableWord(path: path, row: row, word: table.vocabulary[row],
                                                         reason: bytes.isEmpty ? "empty word" : "contains a line break")
            }
        }
    }
}
