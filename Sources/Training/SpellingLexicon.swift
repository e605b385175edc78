import EmbeddingCore
import Foundation

/// The words of a table and their vectors, for snapping misspellings: a word that is not in the
/// table but lies one edit (deletion, insertion, substitution or adjacent swap) from a table word
/// is pulled toward that word's vector.
///
/// A character model alone places a typo of a word near words of similar spelling, not on the
/// word (the typo is as new to it as any unseen word). The table itself knows the word, so a
/// query made with the table at hand (`neighbors --model`, `eval --typos`) can use it. Which of
/// several words one edit away a typo stands for: see ``nearestRow(to:prediction:)``.
public struct SpellingLexicon: Sendable {
    /// Code points of each word, grouped by length: `byLength[n]` lists the rows of length n.
    let scalars: [[UInt32]]
    let byLength: [Int: [Int]]
    /// Preference of each row among words one edit away (lower wins).
    let rank: [Int]
    /// The table's vectors, row i for word i (`[words × D]`, any norm).
    public let vectors: RowMatrix
    /// Weight of the table word's unit vector added to the unit prediction (0 = no pull).
    public let weight: Scalar
    /// Twice the prediction's weight: the table word ranks first for nearly every typo, and the
    /// prediction still orders the words after it.
    public static let defaultWeight: Scalar = 2

    /// - Parameters:
    ///   - words: the table's words, row i for `vectors` row i.
    ///   - vectors: the table (not copied; rows are normalised when used; zero and non-finite
    ///     rows are never snapped to).
    ///   - rank: preference among words one edit away, lower wins (default: the row; pass the
    ///     table rows when `words` are in another order).
    /// - Complexity: O(Σ word lengths).
    public init(words: [String], vectors: RowMatrix, weight: Scalar = defaultWeight, rank: [Int]? = nil) {
        precondition(words.count == vectors.rows, "one vector per word")
        precondition(rank.map { $0.count == words.count } ?? true, "one rank per word")
        precondition(weight.isFinite && weight >= 0, "the weight is finite and not negative")
        scalars = words.map { $0.unicodeScalars.map(\.value) }
        let rank = rank ?? Array(words.indices)
        var groups: [Int: [Int]] = [:]
        for (row, s) in scalars.enumerated() { groups[s.count, default: []].append(row) }
        byLength = groups
        self.rank = rank
        self.vectors = vectors
        self.weight = weight
    }

    /// Rows whose word is exactly one edit from `word` and whose vector is usable (finite, not
    /// zero), most preferred (lowest rank) first; empty when `word` itself is in the table (it is
    /// no misspelling then).
    /// - Complexity: O(rows of lengths n−1 … n+1 × n), most rows rejected at their second mismatch.
    public func candidateRows(of word: String) -> [Int] {
        let q = word.unicodeScalars.map(\.value)
        if byLength[q.count]?.contains(where: { scalars[$0] == q }) == true { return [] }
        var found: [Int] = []
        for length in max(q.count - 1, 1) ... q.count + 1 {
            for row in byLength[length] ?? [] where Self.isOneEdit(q, scalars[row]) {
                let norm = vectors.withRow(row) { L2.norm($0) }
                if norm.isFinite && norm > 1e-12 { found.append(row) }
            }
        }
        return found.sorted { (rank[$0], $0) < (rank[$1], $1) }
    }

    /// The table word a misspelling most likely stands for, among the words one edit away: a small
    /// noisy-channel choice (as spelling correctors since Kernighan, Church and Gale rank
    /// corrections). Each candidate scores the cosine between its vector and the model's
    /// `prediction`, less a cost for the edit that would have made the typo (a dropped letter,
    /// two swapped letters or a slip to a neighbouring key: 0; an extra letter: 0.5, since it could
    /// be any letter; a key far from the intended one: 1), less `0.01 · ln(1 + rank)`
    /// (the table's order: frequent words first). Without a prediction, the earliest word. Nil when no table word is
    /// one edit away.
    /// - Complexity: ``candidateRows(of:)`` plus O(D) per candidate.
    public func nearestRow(to word: String, prediction: [Scalar]? = nil) -> Int? {
        let rows = candidateRows(of: word)
        guard rows.count > 1, let prediction, let p = L2.unitVector(prediction) else { return rows.first }
        let q = word.unicodeScalars.map(\.value)
        return rows.max { score($0, prediction: p, typo: q) < score($1, prediction: p, typo: q) }
    }

    static let extraLetterCost = 0.5, farKeyCost = 1.0, rarityCost = 0.01

    func score(_ row: Int, prediction p: [Scalar], typo q: [UInt32]) -> Double {
        let cosine = vectors.withRow(row) { v -> Double in
            var dot = 0.0
            for k in 0 ..< p.count { dot += Double(p[k]) * Double(v[k]) }
            return dot / max(L2.norm(v), 1e-12)
        }
        let w = scalars[row]
        var cost = 0.0
        if q.count > w.count {
            cost = Self.extraLetterCost
        } else if q.count == w.count {
            var i = 0
            while q[i] == w[i] { i += 1 }
            let swapped = i + 1 < q.count && q[i] == w[i + 1] && q[i + 1] == w[i]
            let near = Unicode.Scalar(w[i]).flatMap { TypoGenerator.keyboard[$0] }?.contains { $0.value == q[i] } ?? false
            if !swapped && !near { cost = Self.farKeyCost }
        }
        return cosine - cost - Self.rarityCost * log(1 + Double(rank[row]))
    }

    /// Replaces row i of `predictions` (for `words[i]`) by `unit(row) + weight · unit(v)`, where v is
    /// the vector of the table word a misspelling stands for (``nearestRow(to:prediction:)``), when
    /// there is one. Returns how many rows moved.
    /// - Complexity: ``candidateRows(of:)`` per word plus O(D) per candidate.
    @discardableResult
    public func blend(_ predictions: inout RowMatrix, words: [String]) -> Int {
        guard weight > 0 else { return 0 }
        var moved = 0
        let d = predictions.columns
        for (i, word) in words.enumerated() {
            guard let row = nearestRow(to: word, prediction: predictions.row(i)) else { continue }
            var target = vectors.row(row)
            let scale = Scalar(1 / target.withUnsafeBufferPointer { L2.norm($0) })
            for k in target.indices { target[k] *= scale }
            predictions.withUnsafeMutableBufferPointer { all in
                let p = UnsafeMutableBufferPointer(rebasing: all[i * d ..< (i + 1) * d])
                let norm = L2.norm(UnsafeBufferPointer(p))
                let inverse = norm.isFinite && norm > 1e-12 ? Scalar(1 / norm) : 0
                for k in 0 ..< d { p[k] = p[k] * inverse + weight * target[k] }
            }
            moved += 1
        }
        return moved
    }

    /// Whether `a` becomes `b` by exactly one deletion, insertion, substitution or swap of two
    /// neighbouring characters.
    static func isOneEdit(_ a: [UInt32], _ b: [UInt32]) -> Bool {
        let (n, m) = (a.count, b.count)
        guard abs(n - m) <= 1 else { return false }
        var i = 0
        while i < min(n, m) && a[i] == b[i] { i += 1 }
        if n == m {
            if i == n { return false }
            // Substitution at i, or the swap of i and i + 1.
            if a[(i + 1)...] == b[(i + 1)...] { return true }
            return i + 1 < n && a[i] == b[i + 1] && a[i + 1] == b[i] && a[(i + 2)...] == b[(i + 2)...]
        }
        // One is the other with a character inserted at i.
        return n > m ? a[(i + 1)...] == b[i...] : a[i...] == b[(i + 1)...]
    }
}
