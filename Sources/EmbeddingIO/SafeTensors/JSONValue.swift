import EmbeddingCore

/// A parsed JSON value (RFC 8259), keeping object keys in file order and numbers as their text.
/// Small and strict: enough for safetensors headers and their metadata strings.
enum JSONValue: Equatable {
    case object([(key: String, value: JSONValue)])
    case array([JSONValue])
    case string(String)
    case number(String)
    case bool(Bool)
    case null

    static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.object(let a), .object(let b)): return a.map(\.key) == b.map(\.key) && a.map(\.value) == b.map(\.value)
        case (.array(let a), .array(let b)): return a == b
        case (.string(let a), .string(let b)), (.number(let a), .number(let b)): return a == b
        case (.bool(let a), .bool(let b)): return a == b
        case (.null, .null): return true
        default: return false
        }
    }

    subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members.first { $0.key == key }?.value }
        return nil
    }

    /// The value as a non-negative integer, when it is one.
    var integer: Int? { if case .number(let text) = self { return Int(text) } else { return nil } }
    var string: String? { if case .string(let s) = self { return s } else { return nil } }
    var array: [JSONValue]? { if case .array(let a) = self { return a } else { return nil } }

    /// Appends `text` as a JSON string literal, escaping as serde_json and Python's `json` do:
    /// `\"`, `\\`, `\b \f \n \r \t`, other control bytes as `\u00xx`; everything else as UTF-8.
    static func appendQuoted(_ bytes: some Sequence<UInt8>, to out: inout [UInt8]) {
        out.append(0x22)
        let hex = Array("0123456789abcdef".utf8)
        for b in bytes {
            switch b {
            case 0x22: out += [0x5C, 0x22]
            case 0x5C: out += [0x5C, 0x5C]
            case 0x08: out += [0x5C, UInt8(ascii: "b")]
            case 0x0C: out += [0x5C, UInt8(ascii: "f")]
            case 0x0A: out += [0x5C, UInt8(ascii: "n")]
            case 0x0D: out += [0x5C, UInt8(ascii: "r")]
            case 0x09: out += [0x5C, UInt8(ascii: "t")]
            case 0 ..< 0x20: out += [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 15)]]
            default: out.append(b)
            }
        }
        out.append(0x22)
    }
}

/// Parses JSON bytes; errors carry the file offset of the offending byte.
struct JSONParser {
    let bytes: [UInt8]
    let path: String
    let baseOffset: Int
    let what: String
    var index = 0

    /// - Parameters:
    ///   - baseOffset: file offset of `bytes[0]`; `what` names the text in errors ("header").
    init(_ bytes: [UInt8], path: String, baseOffset: Int, what: String) {
        self.bytes = bytes
        self.path = path
        self.baseOffset = baseOffset
        self.what = what
    }

    func failure(_ reason: String) -> TensorFileError {
        .malformedHeader(SourceLocation(path: path, byteOffset: baseOffset + index), reason: "\(what): \(reason)")
    }

    /// The whole text as one value (trailing spaces allowed, as safetensors pads with them).
    mutating func parseDocument() throws -> JSONValue {
        let value = try parseValue(depth: 0)
        skipSpace()
        guard index == bytes.count else { throw failure("unexpected bytes after the JSON value") }
        return value
    }

    mutating func skipSpace() { while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 } }

    mutating func expect(_ byte: UInt8) throws {
        skipSpace()
        guard index < bytes.count, bytes[index] == byte else {
            throw failure("expected '\(Character(UnicodeScalar(byte)))', found \(describeCurrent())")
        }
        index += 1
    }

    func describeCurrent() -> String {
        index < bytes.count ? "'\(Character(UnicodeScalar(bytes[index])))'" : "the end"
    }

    mutating func parseValue(depth: Int) throws -> JSONValue {
        guard depth < 64 else { throw failure("nested too deeply") }
        skipSpace()
        guard index < bytes.count else { throw failure("unexpected end") }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            index += 1
            var members: [(key: String, value: JSONValue)] = []
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
            while true {
                skipSpace()
                guard index < bytes.count, bytes[index] == 0x22 else { throw failure("expected a quoted key, found \(describeCurrent())") }
                let key = try parseString()
                try expect(UInt8(ascii: ":"))
                members.append((key, try parseValue(depth: depth + 1)))
                skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
                try expect(UInt8(ascii: ","))
            }
        case UInt8(ascii: "["):
            index += 1
            var items: [JSONValue] = []
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
            while true {
                items.append(try parseValue(depth: depth + 1))
                skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
                try expect(UInt8(ascii: ","))
            }
        case 0x22: return .string(try parseString())
        case UInt8(ascii: "t") where bytes[index...].starts(with: "true".utf8): index += 4; return .bool(true)
        case UInt8(ascii: "f") where bytes[index...].starts(with: "false".utf8): index += 5; return .bool(false)
        case UInt8(ascii: "n") where bytes[index...].starts(with: "null".utf8): index += 4; return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0") ... UInt8(ascii: "9"):
            let start = index
            while index < bytes.count, "+-.eE0123456789".utf8.contains(bytes[index]) { index += 1 }
            let text = String(decoding: bytes[start ..< index], as: UTF8.self)
            guard Double(text) != nil else { index = start; throw failure("malformed number '\(text)'") }
            return .number(text)
        default: throw failure("unexpected \(describeCurrent())")
        }
    }

    /// A string literal starting at the opening quote; escapes decoded, surrogate pairs joined.
    mutating func parseString() throws -> String {
        index += 1
        var out: [UInt8] = []
        while true {
            guard index < bytes.count else { throw failure("unterminated string") }
            let b = bytes[index]
            if b == 0x22 { index += 1; break }
            if b < 0x20 { throw failure("control byte 0x\(String(b, radix: 16)) inside a string") }
            guard b == 0x5C else { out.append(b); index += 1; continue }
            guard index + 1 < bytes.count else { throw failure("unterminated escape") }
            let e = bytes[index + 1]
            index += 2
            switch e {
            case 0x22, 0x5C, 0x2F: out.append(e)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var code = try hex4()
                if (0xD800 ..< 0xDC00).contains(code), bytes[index...].starts(with: "\\u".utf8) {
                    index += 2
                    let low = try hex4()
                    guard (0xDC00 ..< 0xE000).contains(low) else { throw failure("unpaired surrogate") }
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let scalar = Unicode.Scalar(code) else { throw failure("unpaired surrogate") }
                out.append(contentsOf: String(Character(scalar)).utf8)
            default:
                index -= 1
                throw failure("unknown escape '\\\(Character(UnicodeScalar(e)))'")
            }
        }
        guard out.withUnsafeBytes({ UTF8Validation.isValid($0) }) else { throw failure("string is not valid UTF-8") }
        return String(decoding: out, as: UTF8.self)
    }

    mutating func hex4() throws -> UInt32 {
        guard index + 4 <= bytes.count, let v = UInt32(String(decoding: bytes[index ..< index + 4], as: UTF8.self), radix: 16) else {
            throw failure("expected 4 hex digits after \\u")
        }
        index += 4
        return v
    }
}
