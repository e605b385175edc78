import EmbeddingCore

/// Seeded one-edit misspellings: the typos a model trained with `--augment typos` learns to map
/// to their word, and that `charvec eval --typos` and training's summary measure.
public struct TypoGenerator: Sendable {
    /// Letters that insertions and substitutions draw from (the training words' characters).
    public let alphabet: [Unicode.Scalar]
    /// Words shorter than this many characters are left alone (a one-edit typo of "at" is another word).
    public static let minimumLength = 4

    public init(alphabet: [Unicode.Scalar]) {
        self.alphabet = alphabet.isEmpty ? Array("abcdefghijklmnopqrstuvwxyz".unicodeScalars) : alphabet
    }

    /// The characters of `words`, sorted (a stable alphabet for a given word list).
    public init<S: Sequence>(words: S) where S.Element == String {
        var seen = Set<Unicode.Scalar>()
        for w in words { for s in w.unicodeScalars { seen.insert(s) } }
        self.init(alphabet: seen.sorted { $0.value < $1.value })
    }

    /// QWERTY neighbours of the lowercase letters (same row and the rows above and below).
    static let keyboard: [Unicode.Scalar: [Unicode.Scalar]] = {
        let rows = ["qwertyuiop", "asdfghjkl", "zxcvbnm"].map { Array($0.unicodeScalars) }
        var out: [Unicode.Scalar: [Unicode.Scalar]] = [:]
        for (r, row) in rows.enumerated() {
            for (c, key) in row.enumerated() {
                var near: [Unicode.Scalar] = []
                for dr in -1 ... 1 where r + dr >= 0 && r + dr < rows.count {
                    for dc in -1 ... 1 where !(dr == 0 && dc == 0) {
                        let other = rows[r + dr], k = c + dc
                        if k >= 0 && k < other.count { near.append(other[k]) }
                    }
                }
                out[key] = near
            }
        }
        return out
    }()

    /// One edit of `word` (adjacent swap, deletion, insertion, or substitution by a keyboard
    /// neighbour — a random letter for keys off the QWERTY letters), different from `word`;
    /// nil for words shorter than ``minimumLength``. Deterministic in `rng`.
    public func typo(of word: String, rng: inout SplitMix64) -> String? {
        let s = Array(word.unicodeScalars)
        guard s.count >= Self.minimumLength else { return nil }
        for _ in 0 ..< 8 {
            var t = s
            switch rng.nextIndex(4) {
            case 0:
                let i = rng.nextIndex(s.count - 1)
                t.swapAt(i, i + 1)
            case 1:
                t.remove(at: rng.nextIndex(s.count))
            case 2:
                t.insert(alphabet[rng.nextIndex(alphabet.count)], at: rng.nextIndex(s.count + 1))
            default:
                let i = rng.nextIndex(s.count)
                if let near = Self.keyboard[t[i]] { t[i] = near[rng.nextIndex(near.count)] }
                else { t[i] = alphabet[rng.nextIndex(alphabet.count)] }
            }
            if t != s {
                var out = String.UnicodeScalarView()
                out.append(contentsOf: t)
                return String(out)
            }
        }
        return nil
    }
}
