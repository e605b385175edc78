/// The characters a word may not contain, one rule for the auditor (which reports them) and the
/// sanitizer (which replaces them with `_`), so a sanitized file always audits clean.
///
/// Disallowed: whitespace (a space splits the row when the file is read back), control characters
/// (C0, DEL, C1), and invisible format characters (zero-width space U+200B, byte-order mark
/// U+FEFF, bidirectional controls, soft hyphen…), which make two words print the same. The zero-width
/// joiner U+200D is allowed: emoji sequences need it.
public enum WordCharacterPolicy {
    /// Whether `scalar` may not appear in a word.
    @inlinable
    public static func isDisallowed(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return scalar.value <= 0x20 || scalar.value == 0x7F }
        let properties = scalar.properties
        return properties.isWhitespace || properties.generalCategory == .control
            || (properties.generalCategory == .format && scalar.value != 0x200D)
    }

    /// The first disallowed character of `word`, if any.
    public static func firstDisallowed(in word: String) -> Unicode.Scalar? {
        word.unicodeScalars.first(where: isDisallowed)
    }

    /// `word` with every disallowed character replaced by `_`.
    public static func repaired(_ word: String) -> String {
        guard firstDisallowed(in: word) != nil else { return word }
        return String(String.UnicodeScalarView(word.unicodeScalars.map { isDisallowed($0) ? "_" : $0 }))
    }
}
