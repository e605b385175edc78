import EmbeddingCore

/// Reads a table from a safetensors file: the tensor `vectors` (or the file's only 2-D tensor),
/// F32, F16, BF16 or F64, and the words from `__metadata__["vocabulary"]` (a JSON list of
/// strings) or, failing that, from `NAME.vocab.txt` beside the file.
enum SafeTensorsReader {
    /// - Throws: ``TensorFileError`` with the byte offset of the problem.
    static func load(_ path: String, options: ReadOptions) throws -> (EmbeddingTable, LoadReport) {
        let file = try RandomAccessFile(path: path)
        func at(_ offset: Int) -> SourceLocation { SourceLocation(path: path, byteOffset: offset) }
        let prefix = try file.bytes(at: 0, count: 8)
        guard prefix.count == 8 else {
            throw TensorFileError.truncatedData(at(prefix.count), expectedBytes: 8, foundBytes: prefix.count)
        }
        let length = prefix.littleEndianInteger(at: 0, as: UInt64.self)
        guard length <= UInt64(SafeTensorsFormat.maximumHeaderBytes) else {
            throw TensorFileError.malformedHeader(at(0), reason: "the header length \(length) is implausible (at most 1 GiB)")
        }
        guard Int(length) <= file.size - 8 else {
            throw TensorFileError.truncatedData(at(file.size), expectedBytes: Int(length), foundBytes: file.size - 8)
        }
        let text = try file.bytes(at: 8, count: Int(length))
        guard text.first == UInt8(ascii: "{") else {
            throw TensorFileError.badMagic(at(8), format: "safetensors", expected: "a JSON header '{'",
                                           found: text.first.map { "byte 0x\(String($0, radix: 16))" } ?? "nothing")
        }
        var parser = JSONParser(text, path: path, baseOffset: 8, what: "header")
        guard case .object(let members) = try parser.parseDocument() else { preconditionFailure("starts with '{'") }
        let dataStart = 8 + Int(length)

        // The tensor: "vectors", else the only 2-D one.
        let tensors = members.filter { $0.key != "__metadata__" }
        let twoDimensional = tensors.filter { ($0.value["shape"]?.array?.count ?? 0) == 2 }
        guard let (name, info) = tensors.first(where: { $0.key == SafeTensorsFormat.tensorName })
            ?? (twoDimensional.count == 1 ? twoDimensional[0] : nil) else {
            throw TensorFileError.missingTensor(at(8), names: tensors.map(\.key))
        }
        let tensorLocation = at(8 + (Self.offset(of: name, in: text) ?? 0))
        guard let dtype = info["dtype"]?.string else { throw TensorFileError.malformedHeader(tensorLocation, reason: "tensor '\(name)' has no dtype") }
        guard let type = SafeTensorsFormat.dataTypes[dtype] else {
            throw TensorFileError.unsupportedDataType(tensorLocation, found: dtype, supported: "F32, F16, BF16, F64")
        }
        guard let shapeValues = info["shape"]?.array, let shape = Optional(shapeValues.compactMap(\.integer)),
              shape.count == shapeValues.count, shape.allSatisfy({ $0 >= 0 }) else {
            throw TensorFileError.malformedHeader(tensorLocation, reason: "tensor '\(name)' has no shape of non-negative integers")
        }
        guard shape.count == 2, shape[1] > 0 else { throw TensorFileError.wrongShape(tensorLocation, shape: shape) }
        guard let offsets = info["data_offsets"]?.array?.compactMap(\.integer), offsets.count == 2,
              offsets[0] >= 0, offsets[1] >= offsets[0] else {
            throw TensorFileError.malformedHeader(tensorLocation, reason: "tensor '\(name)' has no data_offsets [begin, end]")
        }
        let (rows, columns) = (shape[0], shape[1])
        let (rowBytes, rowOverflow) = columns.multipliedReportingOverflow(by: type.byteWidth)
        let (product, productOverflow) = rows.multipliedReportingOverflow(by: rowBytes)
        let (expected, overflow) = (product, rowOverflow || productOverflow)
        guard !overflow, offsets[1] - offsets[0] == expected else {
            throw TensorFileError.malformedHeader(tensorLocation, reason: "data_offsets [\(offsets[0]), \(offsets[1])] span \(offsets[1] - offsets[0]) bytes; shape [\(rows), \(columns)] of \(dtype) needs \(overflow ? "too many" : String(expected))")
        }
        let available = file.size - dataStart
        let dataEnd = tensors.compactMap { $0.value["data_offsets"]?.array?.last?.integer }.max() ?? 0
        if available < max(offsets[1], dataEnd) {
            throw TensorFileError.truncatedData(at(file.size), expectedBytes: max(offsets[1], dataEnd), foundBytes: available)
        }
        if available > dataEnd {
            throw TensorFileError.trailingBytes(at(dataStart + dataEnd), count: available - dataEnd)
        }

        let words = try vocabulary(members, path: path, text: text, rows: rows)
        let take = min(rows, options.limit ?? rows)
        var matrix = RowMatrix(columns: columns, reservingRows: take)
        try StoredValueType.read(type, from: file, at: dataStart + offsets[0], rows: take, into: &matrix)
        var report = LoadReport(path: path, format: .word2vecBinary, isGzip: false, header: nil, rows: take,
                                dimensions: columns, fileSize: file.size, bytesRead: dataStart + take * columns * type.byteWidth)
        report.tableFormat = .safetensors
        report.stoppedAtLimit = take < rows
        let table = try TableFile.assemble(matrix: matrix, words: Array(words.words.prefix(take)), options: options,
                                           report: &report, wordLocation: words.location)
        return (table, report)
    }

    /// The words from the metadata or the side file, with where each one is for errors.
    static func vocabulary(_ members: [(key: String, value: JSONValue)], path: String, text: [UInt8], rows: Int) throws
        -> (words: [[UInt8]], location: (Int) -> SourceLocation)
    {
        let metadataOffset = 8 + (offset(of: "__metadata__", in: text) ?? 0)
        let location = SourceLocation(path: path, byteOffset: metadataOffset)
        guard let listText = members.first(where: { $0.key == "__metadata__" })?.value[SafeTensorsFormat.vocabularyKey]?.string else {
            let side = NumPyFormat.vocabularyPath(for: path.lowercased().hasSuffix(".safetensors") ? String(path.dropLast(12)) : path)
            let words = try NumPyReader.readVocabulary(side, matrixPath: path, rows: rows)
            return (words, { SourceLocation(path: side, line: $0 + 1) })
        }
        var parser = JSONParser(Array(listText.utf8), path: path, baseOffset: metadataOffset, what: "metadata 'vocabulary'")
        parser.index = 0
        guard let list = try parser.parseDocument().array else {
            throw TensorFileError.malformedHeader(location, reason: "metadata 'vocabulary' is not a JSON list of words")
        }
        var words: [[UInt8]] = []
        words.reserveCapacity(list.count)
        for item in list {
            guard let word = item.string else {
                throw TensorFileError.malformedHeader(location, reason: "metadata 'vocabulary' holds a value that is not a string")
            }
            if word.isEmpty { throw TensorFileError.emptyWord(SourceLocation(path: path, byteOffset: metadataOffset)) }
            words.append(Array(word.utf8))
        }
        guard words.count == rows else { throw TensorFileError.vocabularyCountMismatch(location, words: words.count, rows: rows) }
        return (words, { _ in location })
    }

    /// Offset of `"key"` in the header text (for error positions).
    static func offset(of key: String, in text: [UInt8]) -> Int? {
        let needle = Array("\"\(key)\"".utf8)
        guard needle.count <= text.count else { return nil }
        return (0 ... text.count - needle.count).first { text[$0 ..< $0 + needle.count].elementsEqual(needle) }
    }
}
