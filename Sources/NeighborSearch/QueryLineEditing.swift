/// The interactive prompt of `neighbors` without the terminal: decoding the bytes a terminal
/// sends in raw mode into keys, and what each key does to the line and the history (the
/// terminal side is the CLI's `LineEditor`).

/// A key of the interactive prompt, decoded from terminal bytes.
public enum EditKey: Equatable, Sendable {
    case insert(Unicode.Scalar)
    case backspace, delete, left, right, home, end, up, down, enter
    /// Ctrl-D: end of input on an empty line, delete under the cursor otherwise.
    case endOfInput
    /// Ctrl-C.
    case interrupt
    /// Ctrl-U, Ctrl-K: clear the line, cut to its end.
    case clearLine, killToEnd
}

/// Turns the bytes a terminal sends in raw mode into keys: UTF-8 text, control keys and the
/// `ESC [` / `ESC O` sequences of arrows, Home, End and Delete. Unknown sequences are dropped.
public struct KeyDecoder: Sendable {
    /// Bytes of an unfinished UTF-8 scalar or escape sequence.
    public private(set) var pending: [UInt8] = []

    public init() {}

    /// The keys `byte` completes (none while a sequence is unfinished).
    public mutating func feed(_ byte: UInt8) -> [EditKey] {
        pending.append(byte)
        if pending[0] == 0x1B { return escape() }
        if pending[0] < 0x80 {
            defer { pending.removeAll() }
            switch byte {
            case 0x0D, 0x0A: return [.enter]
            case 0x7F, 0x08: return [.backspace]
            case 0x01: return [.home]
            case 0x05: return [.end]
            case 0x02: return [.left]
            case 0x06: return [.right]
            case 0x10: return [.up]
            case 0x0E: return [.down]
            case 0x04: return [.endOfInput]
            case 0x03: return [.interrupt]
            case 0x15: return [.clearLine]
            case 0x0B: return [.killToEnd]
            case 0x09: return [.insert(" ")]
            case 0x20 ..< 0x7F: return [.insert(Unicode.Scalar(byte))]
            default: return []
            }
        }
        // UTF-8: wait for the whole scalar.
        let lead = pending[0]
        let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
        guard pending.count >= length else { return [] }
        defer { pending.removeAll() }
        let text = String(decoding: pending, as: UTF8.self)
        return text.unicodeScalars.filter { $0 != "\u{FFFD}" || length == 1 }.map { .insert($0) }
    }

    mutating func escape() -> [EditKey] {
        guard pending.count >= 2 else { return [] }
        guard pending[1] == UInt8(ascii: "[") || pending[1] == UInt8(ascii: "O") else { pending.removeAll(); return [] }
        guard pending.count >= 3, let last = pending.last, (0x40 ... 0x7E).contains(last) else {
            if pending.count > 8 { pending.removeAll() }
            return []
        }
        defer { pending.removeAll() }
        switch (last, pending.count) {
        case (UInt8(ascii: "A"), _): return [.up]
        case (UInt8(ascii: "B"), _): return [.down]
        case (UInt8(ascii: "C"), _): return [.right]
        case (UInt8(ascii: "D"), _): return [.left]
        case (UInt8(ascii: "H"), _): return [.home]
        case (UInt8(ascii: "F"), _): return [.end]
        case (UInt8(ascii: "~"), 4):
            switch pending[2] {
            case UInt8(ascii: "3"): return [.delete]
            case UInt8(ascii: "1"), UInt8(ascii: "7"): return [.home]
            case UInt8(ascii: "4"), UInt8(ascii: "8"): return [.end]
            default: return []
            }
        default: return []
        }
    }
}

/// The line being edited, the cursor and the history: what each key does, without a terminal.
public struct LineEditingState: Sendable {
    public var line: [Unicode.Scalar] = []
    public var cursor = 0
    public var history: [String] = []
    /// Position in the history while browsing it (`history.count` = the new line).
    public var historyIndex = 0
    public var draft: [Unicode.Scalar] = []

    public init() {}

    public enum Outcome: Equatable, Sendable { case editing, submitted(String), endOfInput, interrupted }

    public mutating func handle(_ key: EditKey) -> Outcome {
        switch key {
        case .insert(let s): line.insert(s, at: cursor); cursor += 1
        case .backspace: if cursor > 0 { line.remove(at: cursor - 1); cursor -= 1 }
        case .delete: if cursor < line.count { line.remove(at: cursor) }
        case .left: cursor = max(0, cursor - 1)
        case .right: cursor = min(line.count, cursor + 1)
        case .home: cursor = 0
        case .end: cursor = line.count
        case .clearLine: line.removeAll(); cursor = 0
        case .killToEnd: line.removeSubrange(cursor...)
        case .up:
            guard historyIndex > 0 else { break }
            if historyIndex == history.count { draft = line }
            historyIndex -= 1
            line = Array(history[historyIndex].unicodeScalars)
            cursor = line.count
        case .down:
            guard historyIndex < history.count else { break }
            historyIndex += 1
            line = historyIndex == history.count ? draft : Array(history[historyIndex].unicodeScalars)
            cursor = line.count
        case .endOfInput:
            if line.isEmpty { return .endOfInput }
            if cursor < line.count { line.remove(at: cursor) }
        case .interrupt: return .interrupted
        case .enter:
            var view = String.UnicodeScalarView()
            view.append(contentsOf: line)
            let text = String(view)
            if !text.allSatisfy(\.isWhitespace) && history.last != text { history.append(text) }
            line.removeAll(); cursor = 0; historyIndex = history.count; draft = []
            return .submitted(text)
        }
        return .editing
    }
}
