import EmbeddingCore

/// The NPY file layout (NEP 1, numpy's `numpy/lib/format.py`).
///
/// ```
/// \x93NUMPY  major minor  header_len (uint16 LE for 1.0, uint32 LE for 2.0 and 3.0)
/// {'descr': '<f4', 'fortran_order': False, 'shape': (rows, dimensions), }   padded with spaces,
///                                                                          ending in '\n' so the data
/// data: rows × dimensions values, C order                                   starts at a multiple of 64
/// ```
/// charvec keeps the words in `NAME.vocab.txt` beside `NAME.npy`: UTF-8, one word per line,
/// in row order, each line ending in `\n`.
enum NumPyFormat {
    static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)
    /// numpy's `ARRAY_ALIGN`: the data starts at a multiple of this.
    static let alignment = 64
    /// numpy's `GROWTH_AXIS_MAX_DIGITS`: spaces reserved after the dict so the row count can grow in place.
    static let growthAxisMaxDigits = 21

    /// The vocabulary list of a matrix file: `NAME.npy` → `NAME.vocab.txt` (other names get `.vocab.txt` appended).
    static func vocabularyPath(for path: String) -> String {
        (path.lowercased().hasSuffix(".npy") ? String(path.dropLast(4)) : path) + ".vocab.txt"
    }

    /// The version 1.0 header numpy ≥ 1.23 writes for a C-ordered `[rows, columns]` array, byte for byte.
    static func header(rows: Int, columns: Int, precision: ValuePrecision) -> [UInt8] {
        let descr = precision == .float32 ? "<f4" : "<f2"
        var dict = "{'descr': '\(descr)', 'fortran_order': False, 'shape': (\(rows), \(columns)), }"
        dict += String(repeating: " ", count: max(0, growthAxisMaxDigits - String(rows).count))
        let lengthWithNewline = dict.utf8.count + 1
        let padding = alignment - (magic.count + 2 + 2 + lengthWithNewline) % alignment
        let total = lengthWithNewline + padding
        var out = magic + [1, 0, UInt8(total & 0xFF), UInt8(total >> 8)]
        out += Array(dict.utf8) + [UInt8](repeating: 0x20, count: padding) + [0x0A]
        return out
    }
}

/// The parsed header dict of an NPY file.
struct NumPyHeader {
    var type: StoredValueType
    var bigEndian: Bool
    var fortranOrder: Bool
    var shape: [Int]
    /// Byte offset of the first value.
    var dataOffset: Int

    /// Reads the preamble and header of `file`.
    static func read(_ file: RandomAccessFile) throws -> NumPyHeader {
        let path = file.path
        let preamble = try file.bytes(at: 0, count: 12)
        guard preamble.count >= 10, preamble.starts(with: NumPyFormat.magic) else {
            let shown = preamble.prefix(6).map { $0 >= 0x20 && $0 < 0x7F ? String(UnicodeScalar($0)) : "\\x" + String($0, radix: 16) }.joined()
            throw TensorFileError.badMagic(SourceLocation(path: path, byteOffset: 0), format: "NumPy .npy",
                                           expected: "'\\x93NUMPY'", found: preamble.isEmpty ? "an empty file" : "'\(shown)'")
        }
        let major = preamble[6], minor = preamble[7]
        let lengthBytes: Int
        switch (major, minor) {
        case (1, 0): lengthBytes = 2
        case (2, 0), (3, 0): lengthBytes = 4
        default:
            throw TensorFileError.unsupportedVersion(SourceLocation(path: path, byteOffset: 6), format: "NPY",
                                                     found: "\(major).\(minor)", supported: "1.0, 2.0, 3.0")
        }
        guard preamble.count >= 8 + lengthBytes else {
            throw TensorFileError.truncatedData(SourceLocation(path: path, byteOffset: preamble.count),
                                                expectedBytes: 8 + lengthBytes, foundBytes: preamble.count)
        }
        let length = lengthBytes == 2 ? Int(preamble.littleEndianInteger(at: 8, as: UInt16.self))
                                      : Int(preamble.littleEndianInteger(at: 8, as: UInt32.self))
        let start = 8 + lengthBytes
        guard length <= file.size - start else {
            throw TensorFileError.truncatedData(SourceLocation(path: path, byteOffset: file.size),
                                                expectedBytes: length, foundBytes: file.size - start)
        }
        let text = try file.bytes(at: start, count: length)
        var parser = PythonLiteralParser(bytes: text, path: path, baseOffset: start)
        let fields = try parser.parseDict()
        func field(_ name: String) throws -> (PythonLiteralParser.Value, Int) {
            guard let value = fields[name] else {
                throw TensorFileError.malformedHeader(SourceLocation(path: path, byteOffset: start), reason: "no '\(name)' key")
            }
            return value
        }
        let (descrValue, descrOffset) = try field("descr")
        let (orderValue, orderOffset) = try field("fortran_order")
        let (shapeValue, shapeOffset) = try field("shape")
        guard case .string(let descr) = descrValue else {
            throw TensorFileError.unsupportedDataType(SourceLocation(path: path, byteOffset: descrOffset),
                                                      found: "a structured dtype", supported: "<f4, <f2, <f8 (and big-endian)")
        }
        guard case .bool(let fortran) = orderValue else {
            throw TensorFileError.malformedHeader(SourceLocation(path: path, byteOffset: orderOffset), reason: "'fortran_order' is not True or False")
        }
        guard case .tuple(let shape) = shapeValue else {
            throw TensorFileError.malformedHeader(SourceLocation(path: path, byteOffset: shapeOffset), reason: "'shape' is not a tuple of integers")
        }
        let types: [String: StoredValueType] = ["f2": .float16, "f4": .float32, "f8": .float64]
        guard descr.count == 3, let order = descr.first, "<>=".contains(order), let type = types[String(descr.dropFirst())] else {
            throw TensorFileError.unsupportedDataType(SourceLocation(path: path, byteOffset: descrOffset),
                                                      found: "'\(descr)'", supported: "<f4, <f2, <f8 (and big-endian)")
        }
        if fortran && shape.count == 2 && shape[0] > 1 && shape[1] > 1 {
            throw TensorFileError.fortranOrder(SourceLocation(path: path, byteOffset: orderOffset))
        }
        guard shape.count == 2, shape[1] > 0 else {
            throw TensorFileError.wrongShape(SourceLocation(path: path, byteOffset: shapeOffset), shape: shape)
        }
        return NumPyHeader(type: type, bigEndian: order == ">", fortranOrder: fortran, shape: shape, dataOffset: start + length)
    }
}

/// Parses the Python literal of an NPY header: a dict of string keys whose values are strings,
/// `True`/`False` or tuples of integers. Offsets in errors are file offsets.
struct PythonLiteralParser {
    enum Value: Equatable { case string(String), bool(Bool), tuple([Int]), other }

    let bytes: [UInt8]
    let path: String
    let baseOffset: Int
    var index = 0

    init(bytes: [UInt8], path: String, baseOffset: Int) {
        self.bytes = bytes
        self.path = path
        self.baseOffset = baseOffset
    }

    func failure(_ reason: String) -> TensorFileError {
        .malformedHeader(SourceLocation(path: path, byteOffset: baseOffset + index), reason: reason)
    }

    mutating func skipSpace() { while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 } }

    mutating func expect(_ c: Character) throws {
        skipSpace()
        guard index < bytes.count, bytes[index] == c.asciiValue! else {
            throw failure("expected '\(c)', found \(index < bytes.count ? "'\(Character(UnicodeScalar(bytes[index])))'" : "the end of the header")")
        }
        index += 1
    }

    mutating func peek(_ c: Character) -> Bool {
        skipSpace()
        return index < bytes.count && bytes[index] == c.asciiValue!
    }

    /// `{key: value, …}` → values with the file offset where each starts.
    mutating func parseDict() throws -> [String: (Value, Int)] {
        try expect("{")
        var out: [String: (Value, Int)] = [:]
        while !peek("}") {
            guard case .string(let key) = try parseValue() else { throw failure("expected a quoted key") }
            try expect(":")
            skipSpace()
            let at = baseOffset + index
            out[key] = (try parseValue(), at)
            if !peek("}") { try expect(",") }
        }
        index += 1
        return out
    }

    mutating func parseValue() throws -> Value {
        skipSpace()
        guard index < bytes.count else { throw failure("the header ends inside the dict") }
        let c = bytes[index]
        if c == UInt8(ascii: "'") || c == UInt8(ascii: "\"") {
            let start = index + 1
            guard let end = bytes[start...].firstIndex(of: c) else { throw failure("unterminated string") }
            index = end + 1
            return .string(String(decoding: bytes[start ..< end], as: UTF8.self))
        }
        if c == UInt8(ascii: "(") {
            index += 1
            var items: [Int] = []
            while !peek(")") {
                let start = index
                while index < bytes.count, (bytes[index] >= 0x30 && bytes[index] <= 0x39) { index += 1 }
                // "3L" (Python 2 longs) is accepted as numpy does.
                guard index > start, let n = Int(String(decoding: bytes[start ..< index], as: UTF8.self)) else {
                    throw failure("expected a non-negative integer in the shape")
                }
                if index < bytes.count, bytes[index] == UInt8(ascii: "L") { index += 1 }
                items.append(n)
                if !peek(")") { try expect(",") }
            }
            index += 1
            return .tuple(items)
        }
        for (word, value) in [("True", Value.bool(true)), ("False", .bool(false))]
            where bytes[index...].starts(with: word.utf8) {
            index += word.utf8.count
            return value
        }
        if c == UInt8(ascii: "[") || c == UInt8(ascii: "{") {
            // A structured dtype (list of fields): skip it to report the type, not a parse error.
            var depth = 0
            repeat {
                if bytes[index] == UInt8(ascii: "[") || bytes[index] == UInt8(ascii: "{") { depth += 1 }
                if bytes[index] == UInt8(ascii: "]") || bytes[index] == UInt8(ascii: "}") { depth -= 1 }
                index += 1
            } while depth > 0 && index < bytes.count
            return .other
        }
        throw failure("unexpected character '\(Character(UnicodeScalar(c)))'")
    }
}
