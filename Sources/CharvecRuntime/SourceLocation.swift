/// A position in the user's file, not in our source.
///
/// Text files are located by 1-based line and column (column counted in UTF-8 bytes,
/// as swift-markdown does); binary files by a 0-based byte offset into the
/// decompressed stream. Printed as `path:line:column` or `path:offset N`.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    public enum Position: Hashable, Sendable {
        /// 1-based line and 1-based column in UTF-8 bytes.
        case text(line: Int, column: Int)
        /// 0-based byte offset (in the decompressed stream for gzip input).
        case byteOffset(Int)
    }

    public var path: String
    public var position: Position

    public init(path: String, line: Int, column: Int = 1) {
        self.path = path
        self.position = .text(line: line, column: column)
    }

    public init(path: String, byteOffset: Int) {
        self.path = path
        self.position = .byteOffset(byteOffset)
    }

    /// The line, for text positions.
    public var line: Int? {
        if case .text(let line, _) = position { return line }
        return nil
    }

    /// The byte offset, for binary positions.
    public var byteOffset: Int? {
        if case .byteOffset(let offset) = position { return offset }
        return nil
    }

    /// `path:line:column` for text, `path:byte N` for binary (the form compilers and editors jump to).
    public var description: String {
        switch position {
        case .text(let line, let column): return "\(path):\(line):\(column)"
        case .byteOffset(let offset): return "\(path):byte \(offset)"
        }
    }
}
