import Foundation
import NeighborSearch
import TestSupport
import XCTest
@testable import charvec

/// The interactive prompt of `neighbors`: key decoding, editing and history, and a real
/// terminal session through `script` (a pseudo-terminal).
final class LineEditorTests: XCTestCase {
    func keys(_ bytes: [UInt8]) -> [EditKey] {
        var decoder = KeyDecoder()
        return bytes.flatMap { decoder.feed($0) }
    }

    func testTerminalBytesDecodeToKeys() {
        XCTAssertEqual(keys(Array("ab".utf8)), [.insert("a"), .insert("b")])
        XCTAssertEqual(keys([0x1B, 0x5B, 0x44, 0x1B, 0x5B, 0x43, 0x1B, 0x5B, 0x41, 0x1B, 0x5B, 0x42]), [.left, .right, .up, .down])
        XCTAssertEqual(keys([0x1B, 0x5B, 0x33, 0x7E, 0x1B, 0x4F, 0x48, 0x1B, 0x5B, 0x46]), [.delete, .home, .end])
        XCTAssertEqual(keys([0x7F, 0x0D, 0x04, 0x03, 0x15, 0x0B]), [.backspace, .enter, .endOfInput, .interrupt, .clearLine, .killToEnd])
        XCTAssertEqual(keys(Array("é日".utf8)), [.insert("é"), .insert("日")])
        XCTAssertEqual(keys([0x1B, 0x5B, 0x32, 0x30, 0x30, 0x7E, 0x61]), [.insert("a")], "an unknown sequence is dropped")
    }

    func testEditingAndHistory() {
        var state = LineEditingState()
        func type(_ keys: [EditKey]) -> LineEditingState.Outcome {
            var last = LineEditingState.Outcome.editing
            for key in keys { last = state.handle(key) }
            return last
        }
        // "kin", ←, "g" → "kign"; Home, Delete → "ign"; End, Backspace → "ig"; Ctrl-U, "king".
        XCTAssertEqual(type([.insert("k"), .insert("i"), .insert("n"), .left, .insert("g"), .enter]), .submitted("kign"))
        XCTAssertEqual(type([.insert("x"), .insert("y"), .home, .delete, .end, .backspace, .clearLine,
                             .insert("k"), .insert("i"), .insert("n"), .insert("g"), .enter]), .submitted("king"))
        // ↑ recalls the last query, ↑ again the one before, ↓ back, ↓ to the unfinished draft.
        XCTAssertEqual(type([.insert("q"), .up]), .editing)
        XCTAssertEqual(String(String.UnicodeScalarView(state.line)), "king")
        XCTAssertEqual(type([.up, .down, .down]), .editing)
        XCTAssertEqual(String(String.UnicodeScalarView(state.line)), "q")
        XCTAssertEqual(type([.home, .killToEnd, .endOfInput]), .endOfInput, "Ctrl-D on an empty line ends the input")
        XCTAssertEqual(type([.insert("a"), .interrupt]), .interrupted)
        XCTAssertEqual(state.history, ["kign", "king"])
    }

    /// A real terminal: arrow keys edit the query, ↑ recalls it, Ctrl-D ends the session with a newline.
    func testInteractiveSessionInATerminal() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else { throw XCTSkip("needs script(1) for a pseudo-terminal") }
        let sample = Fixtures.bundledData.appendingPathComponent("en-2k-384d.vec.gz").path
        let command = "\(CLIRunner.executable.path) neighbors \(sample) --top 1"
        // "kign", ←, ←, Delete, End, "g" → "king"; Enter; ↑ (recalls "king"), Enter; Ctrl-D.
        let keys = "kign\u{1B}[D\u{1B}[D\u{1B}[3~\u{1B}[Fg\r\u{1B}[A\r\u{04}"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-q", "-e", "-c", command, "/dev/null"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        // Type slowly enough for the prompt to be in raw mode before the keys arrive.
        Thread.sleep(forTimeInterval: 3)
        input.fileHandleForWriting.write(Data(keys.utf8))
        Thread.sleep(forTimeInterval: 1.5)
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(process.terminationStatus, 0, text)
        XCTAssertEqual(text.components(separatedBy: "1  queen").count - 1, 2, "both queries answered as 'king': \(text)")
        XCTAssertTrue(text.hasSuffix("\r\n"), "Ctrl-D leaves the terminal on a new line: \(text.debugDescription)")
    }
}
