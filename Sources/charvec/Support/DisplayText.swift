/// Makes text from a user's file safe to print for a person: a word may hold ANSI escape
/// sequences (which would recolour the terminal), NUL bytes, bidirectional overrides, or be a
/// megabyte long. JSON output does not go through here (JSON escapes control characters itself).
enum DisplayText {
    /// Words longer than this many characters are cut in human output.
    static let maxWordCharacters = 80

    /// `word` with control and invisible format characters escaped (``escaped(_:)``) and, when
    /// longer than ``maxWordCharacters``, cut to its start plus `…` and its full length in bytes.
    static func word(_ word: String) -> String {
        let safe = escaped(word)
        guard safe.count > maxWordCharacters else { return safe }
        return String(safe.prefix(maxWordCharacters - 16)) + "… (\(word.utf8.count) bytes)"
    }

    /// `text` with every C0/C1 control character, DEL and invisible format character (zero-width
    /// space, bidirectional overrides, …) written as `\u{…}` (`\t`, `\n`, `\r`, `\0` for the common
    /// ones); the zero-width joiner of emoji sequences is kept. With `keepingNewlines`, `\n` is
    /// kept (for whole diagnostic lines).
    static func escaped(_ text: String, keepingNewlines: Bool = false) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            if !needsEscape(scalar) || (keepingNewlines && scalar == "\n") {
                result.unicodeScalars.append(scalar)
                continue
            }
            switch scalar {
            case "\t": result += "\\t"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\0": result += "\\0"
            default: result += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            }
        }
        return result
    }

    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value < 0x20 || (0x7F ... 0x9F).contains(scalar.value) { return true }
        if scalar.isASCII { return false }
        return scalar.properties.generalCategory == .format && scalar.value != 0x200D
    }
}
