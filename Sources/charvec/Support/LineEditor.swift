import Foundation
import NeighborSearch
#if canImport(Glibc)
import Glibc
#endif

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
