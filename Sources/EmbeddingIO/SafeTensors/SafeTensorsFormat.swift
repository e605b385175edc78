import EmbeddingCore

/// The safetensors layout (huggingface/safetensors) as charvec uses it.
///
/// ```
/// N: uint64 little-endian        the header's length in bytes
/// header: N bytes of JSON        {"__metadata__":{"vocabulary":"[\"the\",\"of\",…]"},
///                                 "vectors":{"dtype":"F32","shape":[rows,dims],"data_offsets":[0,bytes]}}
///                                padded with spaces to a multiple of 8
/// data: rows × dims values, row-major, little-endian
/// ```
/// safetensors metadata maps strings to strings, so the vocabulary is one string holding a
/// JSON list of the words in row order (written compactly, non-ASCII as UTF-8: Python's
/// `json.dumps(words, ensure_ascii=False, separators=(",", ":"))`). Read it back with
/// `json.loads(safe_open(path, "np").metadata()["vocabulary"])`.
enum SafeTensorsFormat {
    /// The tensor charvec writes and looks for first.
    static let tensorName = "vectors"
    /// The metadata key holding the JSON list of words.
    static let vocabularyKey = "vocabulary"
    /// Headers are padded to this alignment, as the safetensors library does.
    static let alignment = 8
    /// Readers refuse larger headers (the safetensors library's own limit is 100 MB; a
    /// vocabulary of millions of words needs more).
    static let maximumHeaderBytes = 1 << 30

    static let dataTypes: [String: StoredValueType] = ["F16": .float16, "BF16": .bfloat16, "F32": .float32, "F64": .float64]

    /// The header (length prefix included) for a `[rows, columns]` tensor and `words`, byte for
    /// byte as `safetensors.numpy.save_file` writes it.
    static func header(rows: Int, columns: Int, precision: ValuePrecision, words: Vocabulary) -> [UInt8] {
        var list: [UInt8] = [UInt8(ascii: "[")]
        for row in 0 ..< words.count {
            if row > 0 { list.append(UInt8(ascii: ",")) }
            JSONValue.appendQuoted(words.bytes(at: row), to: &list)
        }
        list.append(UInt8(ascii: "]"))
        var json = Array("{\"__metadata__\":{\"\(vocabularyKey)\":".utf8)
        JSONValue.appendQuoted(list, to: &json)
        let dtype = precision == .float32 ? "F32" : "F16"
        let bytes = rows * columns * precision.byteWidth
        json += Array("},\"\(tensorName)\":{\"dtype\":\"\(dtype)\",\"shape\":[\(rows),\(columns)],\"data_offsets\":[0,\(bytes)]}}".utf8)
        json += [UInt8](repeating: 0x20, count: (alignment - json.count % alignment) % alignment)
        var out: [UInt8] = []
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { out += $0 }
        return out + json
    }
}

/// Writes a table as one safetensors file (see ``SafeTensorsFormat``).
enum SafeTensorsWriter {
    /// - Returns: for float16, the reconstruction cosines.
    /// - Throws: ``EmbeddingWriteError``: words must be non-empty valid UTF-8 (JSON strings).
    static func write(_ table: EmbeddingTable, to path: String, precision: ValuePrecision) throws -> PrecisionReport? {
        for row in 0 ..< table.count {
            let bytes = table.vocabulary.bytes(at: row)
            if bytes.isEmpty || !table.vocabulary.isValidUTF8(at: row) {
                throw EmbeddingWriteError.unwritableWord(path: path, row: row, word: table.vocabulary[row],
                                                         reason: bytes.isEmpty ? "empty word" : "not valid UTF-8, which JSON metadata cannot hold")
            }
        }
        let output = try OutputFile(path: path)
        try output.write(SafeTensorsFormat.header(rows: table.count, columns: table.dimensions, precision: precision,
                                                  words: table.vocabulary))
        try StoredValueType.write(table.matrix, precision: precision, to: output)
        try output.commit()
        return precision == .float16 ? PrecisionReport.measure(table.matrix) : nil
    }
}
