import EmbeddingCore

/// The queries that `neighbors` and `embed` read from standard input, one per line: the parsing
/// only, without I/O, so that the commands, the tests and the `stdin` fuzz target call the same code.
///
/// Lines are what `readLine()` returns (the newline and a `\r` before it removed, invalid UTF-8
/// repaired to U+FFFD). A UTF-8 byte-order mark opening the input is not part of the first query:
/// ``QueryLines`` drops it from line 1 only.
public enum QueryInput {
    /// U+FEFF, the byte-order mark (bytes EF BB BF) some editors and Windows tools put first.
    public static let byteOrderMark: Unicode.Scalar = "\u{FEFF}"

    /// `line` without one leading byte-order mark. Scalars, not characters, are compared, so a
    /// combining mark after the BOM (which joins it in one `Character`) stays.
    public static func droppingByteOrderMark(_ line: String) -> String {
        guard line.unicodeScalars.first == byteOrderMark else { return line }
        return String(line.unicodeScalars.dropFirst())
    }

    /// The words of one `neighbors` query line, split at whitespace (`Character.isWhitespace`),
    /// lowercased when `lowercase`; empty for a blank line.
    public static func queryWords(_ line: String, lowercase: Bool) -> [String] {
        line.split(whereSeparator: \.isWhitespace).map { lowercase ? $0.lowercased() : String($0) }
    }

    /// The word of one `embed` input line: the line without leading and trailing blanks (spaces
    /// of any kind, tabs); nil when nothing is left. Blanks inside the word stay.
    public static func embedWord(_ line: String) -> String? {
        func isBlank(_ s: Unicode.Scalar) -> Bool { s == "\t" || s.properties.generalCategory == .spaceSeparator }
        let scalars = line.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isBlank($0) }),
              let last = scalars.lastIndex(where: { !isBlank($0) }) else { return nil }
        return String(scalars[first ... last])
    }

    /// Why a `--vector` line is not a vector: the 1-based byte column of the problem and what it is.
    public struct VectorLineError: Error, Equatable, Sendable {
        public var column: Int
        public var message: String
        public init(column: Int, message: String) {
            self.column = column
            self.message = message
        }
    }

    /// The values of one `neighbors --vector` line: numbers (as Swift's `Float(_:)` reads them:
    /// decimal, exponent, hexadecimal, `inf`, `nan`) separated by spaces, tabs, commas and
    /// brackets, so numpy's `[0.1, -0.2, …]` is accepted; exactly `dimensions` of them.
    public static func parseVector(_ line: String, dimensions: Int) -> Result<[Scalar], VectorLineError> {
        let bytes = Array(line.utf8)
        var values: [Scalar] = []
        var index = 0
        func isSeparator(_ b: UInt8) -> Bool {
            b == 0x20 || b == 0x09 || b == 0x0D || b == UInt8(ascii: ",") || b == UInt8(ascii: "[") || b == UInt8(ascii: "]")
        }
        while index < bytes.count {
            if isSeparator(bytes[index]) { index += 1; continue }
            let start = index
            while index < bytes.count, !isSeparator(bytes[index]) { index += 1 }
            let token = String(decoding: bytes[start ..< index], as: UTF8.self)
            guard let value = Scalar(token) else {
                return .failure(VectorLineError(column: start + 1, message: "expected a number, found '\(token.prefix(40))'"))
            }
            values.append(value)
        }
        guard values.count == dimensions else {
            return .failure(VectorLineError(column: 1, message: "the vector has \(values.count) value\(values.count == 1 ? "" : "s"), the table has \(dimensions) dimensions"))
        }
        return .success(values)
    }
}

/// The lines of a query stream with the byte-order mark dropped from the first line only.
public struct QueryLines: IteratorProtocol, Sequence {
    let source: () -> String?
    /// Lines returned so far (the 1-based number of the last one).
    public private(set) var lineNumber = 0

    /// - Parameter source: the next raw line, nil at the end (`{ readLine() }` for standard input).
    public init(_ source: @escaping () -> String?) { self.source = source }

    public mutating func next() -> String? {
        guard let line = source() else { return nil }
        lineNumber += 1
        return lineNumber == 1 ? QueryInput.droppingByteOrderMark(line) : line
    }
}
