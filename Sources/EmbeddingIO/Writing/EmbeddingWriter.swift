import EmbeddingCore

/// Writes an ``EmbeddingTable`` as word2vec text, word2vec binary or GloVe text.
public enum EmbeddingWriter {
    /// Writes `table` to `path` (`-` = standard output) atomically.
    ///
    /// Text values use the shortest decimal form that reads back to the same `Float`
    /// (`Float.description`), so text → binary → text is bit-exact; rows end in `\n` with no
    /// trailing space. Binary rows are `word`, a space, `dimensions` little-endian float32
    /// and `\n`, as word2vec.c writes them (gensim reads both).
    /// - Throws: ``EmbeddingWriteError`` (nothing is left under `path` on failure).
    /// - Complexity: O(count × dimensions).
    public static func write(_ table: EmbeddingTable, to path: String, format: EmbeddingFormat,
                             gzip: Bool = false) throws {
        try validateWords(table, path: path)
        let output = try OutputFile(path: path, gzip: gzip)
        let dim = table.dimensions
        if format != .glove { try output.write("\(table.count) \(dim)\n") }
        // Rows are formatted in blocks, each block split across threads (formatting text
        // costs ~100 ns a value; writing is cheap).
        let threads = format == .word2vecBinary ? 1 : 2
        let blockRows = 2048
        var parts = [[UInt8]](repeating: [], count: threads)
        var start = 0
        while start < table.count {
            let stop = min(table.count, start + blockRows * threads)
            parts.withUnsafeMutableBufferPointer { buffers in
                let out = _UncheckedSendable(buffers)
                parallelFor(threads) { t in
                    let lo = start + (stop - start) * t / threads
                    let hi = start + (stop - start) * (t + 1) / threads
                    out.value[t].removeAll(keepingCapacity: true)
                    for row in lo ..< hi { appendRow(row, of: table, format: format, to: &out.value[t]) }
                }
            }
            for part in parts { try output.write(part) }
            start = stop
        }
        try output.commit()
    }

    /// Appends one row (word, values, `\n`) in `format`.
    static func appendRow(_ row: Int, of table: EmbeddingTable, format: EmbeddingFormat, to line: inout [UInt8]) {
        line.append(contentsOf: table.vocabulary.bytes(at: row))
        switch format {
        case .word2vecBinary:
            line.append(0x20)
            table.matrix.withRow(row) { values in
                for v in values {
                    withUnsafeBytes(of: v.bitPattern.littleEndian) { line.append(contentsOf: $0) }
                }
            }
        case .word2vecText, .glove:
            table.matrix.withRow(row) { values in
                for v in values {
                    line.append(0x20)
                    appendShortest(v, to: &line)
                }
            }
        }
        line.append(0x0A)
    }

    /// Appends the shortest round-tripping decimal form of `value` (`nan`, `inf`, `-inf` for non-finite).
    @inlinable
    public static func appendShortest(_ value: Scalar, to line: inout [UInt8]) {
        if value.isNaN { line.append(contentsOf: [0x6E, 0x61, 0x6E]); return } // "nan", as C printf and numpy spell it
        var text = value.description
        text.withUTF8 { line.append(contentsOf: $0) }
    }

    /// Words must be non-empty and free of whitespace and control bytes in every format.
    static func validateWords(_ table: EmbeddingTable, path: String) throws {
        for row in 0 ..< table.count {
            let bytes = table.vocabulary.bytes(at: row)
            if bytes.isEmpty {
                throw EmbeddingWriteError.unwritableWord(path: path, row: row, word: "", reason: "empty word")
            }
            if let bad = bytes.first(where: { $0 <= 0x20 || $0 == 0x7F }) {
                let what = bad == 0x20 ? "a space" : "control byte 0x\(String(bad, radix: 16, uppercase: true))"
                throw EmbeddingWriteError.unwritableWord(path: path, row: row, word: table.vocabulary[row],
                                                         reason: "contains \(what), which would split or shift the row")
            }
        }
    }
}
