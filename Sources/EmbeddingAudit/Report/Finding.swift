import EmbeddingCore

/// How bad a finding is. `charvec audit --fail-on` compares against it.
public enum Severity: String, Sendable, Comparable, CaseIterable, Codable {
    case info, warning, error

    public static func < (a: Severity, b: Severity) -> Bool {
        let order: [Severity] = [.info, .warning, .error]
        return order.firstIndex(of: a)! < order.firstIndex(of: b)!
    }
}

/// What kind of problem a finding is. The raw values are the stable keys of the JSON report.
public enum FindingKind: String, Sendable, CaseIterable, Codable {
    /// Every value of the row is 0: cosine divides by zero, training goes NaN.
    case zeroRow = "zero_row"
    /// The row holds NaN or ±Inf.
    case nonFinite = "non_finite"
    /// The row's L2 norm is above 0 but below the threshold.
    case nearZeroNorm = "near_zero_norm"
    /// The same word (same bytes) appears again.
    case duplicateWord = "duplicate_word"
    /// Two different words become equal after Unicode NFKC normalisation and case folding.
    case normalizationCollision = "normalization_collision"
    /// The row has a different number of values than the header (or first row) says.
    case wrongDimension = "wrong_dimension"
    /// A value token is not a number.
    case nonNumeric = "non_numeric"
    /// The header's row count differs from the rows in the file.
    case headerCountMismatch = "header_count_mismatch"
    /// The word is not valid UTF-8.
    case invalidUTF8 = "invalid_utf8"
    /// The word contains whitespace or control characters.
    case whitespaceInWord = "whitespace_in_word"
    /// The word is empty.
    case emptyWord = "empty_word"
    /// Several words share one bit-identical vector (pruned or remapped tables).
    case sharedVector = "shared_vector"
    /// The rows share a large common direction (‖mean‖ / mean ‖row‖ above 0.5, judged from 50 rows on).
    case largeMeanVector = "large_mean_vector"
    /// Reading stopped: the rest of the file could not be parsed (truncated, misaligned, bad gzip).
    case unreadableRest = "unreadable_rest"

    public var severity: Severity {
        switch self {
        case .zeroRow, .nonFinite, .wrongDimension, .nonNumeric, .headerCountMismatch, .invalidUTF8,
             .emptyWord, .unreadableRest, .whitespaceInWord:
            return .error
        case .nearZeroNorm, .duplicateWord, .sharedVector, .largeMeanVector:
            return .warning
        case .normalizationCollision:
            return .info
        }
    }

    /// A short human title.
    public var title: String {
        switch self {
        case .zeroRow: return "all-zero rows"
        case .nonFinite: return "rows with NaN or infinite values"
        case .nearZeroNorm: return "rows with a near-zero norm"
        case .duplicateWord: return "duplicate words"
        case .normalizationCollision: return "words equal after NFKC normalisation and case folding"
        case .wrongDimension: return "rows with the wrong number of values"
        case .nonNumeric: return "rows with a value that is not a number"
        case .headerCountMismatch: return "header row count differs from the rows in the file"
        case .invalidUTF8: return "words that are not valid UTF-8"
        case .whitespaceInWord: return "words containing whitespace, control or invisible format characters"
        case .emptyWord: return "empty words"
        case .sharedVector: return "groups of words sharing one bit-identical vector"
        case .largeMeanVector: return "a large common mean vector"
        case .unreadableRest: return "the rest of the file could not be read"
        }
    }

    /// What to do about it.
    public var hint: String {
        switch self {
        case .zeroRow, .nonFinite:
            return "'charvec sanitize' drops them by default (--zero-rows/--non-finite-rows keep|mean); 'charvec train' excludes them"
        case .nearZeroNorm: return "cosine is unstable for such rows; consider dropping them"
        case .duplicateWord: return "gensim keeps the first; 'charvec sanitize --duplicates first|last|mean' resolves them"
        case .normalizationCollision: return "'charvec sanitize --lowercase first|mean' merges them if your lookups fold case"
        case .wrongDimension, .nonNumeric:
            return "a word containing spaces or a cut-off row; 'charvec sanitize' drops such rows and logs them"
        case .headerCountMismatch: return "'charvec sanitize' writes the true count"
        case .invalidUTF8: return "'charvec sanitize' replaces the bad bytes with U+FFFD (--invalid-utf8 drop to drop the rows)"
        case .whitespaceInWord: return "'charvec sanitize' replaces each such character with '_'"
        case .emptyWord: return "'charvec sanitize' drops rows without a word"
        case .sharedVector: return "often a sign of a pruned or remapped table; check how the file was made"
        case .largeMeanVector: return "subtracting the mean ('all-but-the-top', Mu et al. 2018) usually improves cosine neighbours"
        case .unreadableRest: return "the rows before this point were audited; see the error"
        }
    }
}

/// One located problem.
public struct Finding: Sendable, Equatable {
    public var kind: FindingKind
    /// Where (line for text, byte offset for binary).
    public var location: SourceLocation
    /// 0-based row index in the file (header excluded), when the finding is about a row.
    public var row: Int?
    /// The row's word, when there is one (U+FFFD for invalid bytes).
    public var word: String?
    /// Details, e.g. "NaN at dims 3, 7" or "first seen at row 12 (line 13)".
    public var detail: String

    public init(kind: FindingKind, location: SourceLocation, row: Int?, word: String?, detail: String) {
        self.kind = kind
        self.location = location
        self.row = row
        self.word = word
        self.detail = detail
    }
}

/// All findings of one kind: the total count and the first few locations.
public struct FindingGroup: Sendable {
    public var kind: FindingKind
    public var count = 0
    public var examples: [Finding] = []
}
