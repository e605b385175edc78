// libFuzzer target: what `neighbors` and `embed` read from standard input. The input is cut
// into lines as `readLine()` cuts standard input (at \n, a \r before it dropped, invalid UTF-8
// repaired), the byte-order mark dropped from line 1 (`QueryLines`), and every line parsed as a
// `neighbors` query, an `embed` word and a `neighbors --vector` vector; the same bytes are also
// typed at the interactive prompt (`KeyDecoder` + `LineEditingState`). Nothing may trap; a
// vector line either parses or is a `VectorLineError` with a column inside the line, and the
// results must agree with plain reference splits of the same line.
import NeighborSearch

/// The lines `readLine(strippingNewline: true)` would return for `bytes` on standard input.
func standardInputLines(_ bytes: UnsafeBufferPointer<UInt8>) -> [String] {
    var lines: [String] = []
    var start = 0
    while start < bytes.count {
        var end = start
        while end < bytes.count && bytes[end] != 0x0A { end += 1 }
        var stop = end
        if end < bytes.count && stop > start && bytes[stop - 1] == 0x0D { stop -= 1 }
        lines.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start ..< stop]), as: UTF8.self))
        start = end + 1
    }
    return lines
}

func isVectorSeparator(_ b: UInt8) -> Bool {
    b == 0x20 || b == 0x09 || b == 0x0D || b == UInt8(ascii: ",") || b == UInt8(ascii: "[") || b == UInt8(ascii: "]")
}

func checkLine(_ line: String) {
    for lowercase in [false, true] {
        let words = QueryInput.queryWords(line, lowercase: lowercase)
        precondition(words.allSatisfy { !$0.isEmpty && !$0.contains(where: \.isWhitespace) }, "a query word is empty or holds whitespace")
    }
    if let word = QueryInput.embedWord(line) {
        func isBlank(_ s: Unicode.Scalar) -> Bool { s == "\t" || s.properties.generalCategory == .spaceSeparator }
        precondition(!word.isEmpty && !isBlank(word.unicodeScalars.first!) && !isBlank(word.unicodeScalars.last!), "embed word not trimmed")
        let inner = Array(word.utf8), outer = Array(line.utf8)
        precondition((0 ... outer.count - inner.count).contains { outer[$0 ..< $0 + inner.count].elementsEqual(inner) },
                     "embed word not taken from the line")
    } else {
        precondition(line.unicodeScalars.allSatisfy { $0 == "\t" || $0.properties.generalCategory == .spaceSeparator }, "a word was dropped")
    }
    // Reference: the tokens between separators; the parse must succeed exactly when all of them are numbers.
    let bytes = Array(line.utf8)
    let tokens = bytes.split(whereSeparator: isVectorSeparator).map { String(decoding: $0, as: UTF8.self) }
    let values = tokens.compactMap { Float($0) }
    for dimensions in [tokens.count, tokens.count + 1, 4] {
        switch QueryInput.parseVector(line, dimensions: dimensions) {
        case .success(let vector):
            precondition(vector.count == dimensions && values.count == tokens.count, "a vector of the wrong size, or with a bad token, was accepted")
            precondition(zip(vector, values).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }, "values differ from Float(token)")
        case .failure(let error):
            precondition(error.column >= 1 && error.column <= max(bytes.count, 1), "column \(error.column) outside the line")
            precondition(!error.message.isEmpty, "an error without a message")
            precondition(values.count < tokens.count || tokens.count != dimensions, "a valid vector was refused")
        }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzStdin(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let raw = standardInputLines(bytes)
    var next = 0
    var lines = QueryLines { next < raw.count ? raw[next] : nil }
    while let line = lines.next() {
        precondition(lines.lineNumber == next + 1)
        next += 1
        if next == 1 {
            precondition(line.unicodeScalars.first != QueryInput.byteOrderMark || raw[0].unicodeScalars.dropFirst().first == QueryInput.byteOrderMark,
                         "the byte-order mark was kept")
        } else {
            precondition(line == raw[next - 1], "a later line was changed")
        }
        checkLine(line)
    }
    precondition(next == raw.count)

    // The same bytes typed at the interactive prompt.
    var decoder = KeyDecoder()
    var state = LineEditingState()
    for byte in bytes {
        for key in decoder.feed(byte) {
            let outcome = state.handle(key)
            precondition(state.cursor >= 0 && state.cursor <= state.line.count, "cursor outside the line")
            precondition(state.historyIndex >= 0 && state.historyIndex <= state.history.count, "history position outside the history")
            if case .submitted(let text) = outcome {
                precondition(state.line.isEmpty && state.cursor == 0)
                checkLine(text)
            }
        }
        precondition(decoder.pending.count <= 9, "the key decoder holds \(decoder.pending.count) bytes")
    }
    return 0
}
