import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A key of the interactive prompt, decoded from terminal bytes.
enum EditKey: Equatable {
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
struct KeyDecoder {
    var pending: [UInt8] = []

    mutating func feed(_ byte: UInt8) -> [EditKey] {
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
struct LineEditingState {
    var line: [Unicode.Scalar] = []
    var cursor = 0
    var history: [String] = []
    /// Position in the history while browsing it (`history.count` = the new line).
    var historyIndex = 0
    var draft: [Unicode.Scalar] = []

    enum Outcome: Equatable { case editing, submitted(String), endOfInput, interrupted }

    mutating func handle(_ key: EditKey) -> Outcome {
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

/// Reads lines at an interactive prompt with editing (←/→, Home/End, Backspace/Delete, Ctrl-U/K)
/// and history (↑/↓), the terminal in raw mode while a line is edited. Not a terminal: plain
/// `readLine()`.
final class LineEditor {
    let prompt: String
    var state = LineEditingState()

    init(prompt: String) { self.prompt = prompt }

    /// The next line, or nil at end of input (Ctrl-D on an empty line, EOF) or after Ctrl-C.
    func readLine() -> String? {
        guard isatty(0) != 0, isatty(2) != 0 else { return Swift.readLine() }
        var saved = termios()
        guard tcgetattr(0, &saved) == 0 else { return Swift.readLine() }
        var raw = saved
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO | ISIG | IEXTEN)
        raw.c_iflag &= ~tcflag_t(IXON | ICRNL)
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in cc[Int(VMIN)] = 1; cc[Int(VTIME)] = 0 }
        tcsetattr(0, TCSANOW, &raw)  // not TCSAFLUSH: keys typed ahead stay
        defer { tcsetattr(0, TCSANOW, &saved) }
        var decoder = KeyDecoder()
        redraw()
        var byte: UInt8 = 0
        while Glibc.read(0, &byte, 1) == 1 {
            for key in decoder.feed(byte) {
                switch state.handle(key) {
                case .editing: redraw()
                case .submitted(let text): emit("\r\n"); return text
                case .endOfInput: emit("\r\n"); return nil
                case .interrupted: emit("^C\r\n"); return nil
                }
            }
        }
        emit("\r\n")
        return nil
    }

    /// Prompt and line, the rest of the row cleared, the cursor moved back to its place.
    func redraw() {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: state.line)
        var text = "\r" + prompt + String(view) + "\u{1B}[K"
        let back = state.line.count - state.cursor
        if back > 0 { text += "\u{1B}[\(back)D" }
        emit(text)
    }

    func emit(_ text: String) {
        var text = text
        text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    }
}
