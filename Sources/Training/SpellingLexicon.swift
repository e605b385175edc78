import EmbeddingCore

/// The words of a table and their unit vectors, for snapping misspellings: a word that is not
/// in the table but lies one edit (deletion, insertion, substitution or adjacent swap) from a
/// table word is pulled toward that word's vector.
///
/// A character model alone places a typo of a word near words of similar spelling, not on the
/// word (the typo is as new to it as any unseen word). The table itself knows the word, so a
/// query made with the table at hand (`neighbors --model`, `eval --typos`) can use it. Among
/// several words one edit away, the one earliest in the table wins: tables written by word2vec,
/// GloVe, fastText and gensim list words by falling frequency.
public struct SpellingLexicon: Sendable {
    /// Code points of each word, grouped by length: `byLength[n]` lists the rows of length n,
    /// most preferred first.
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
    /// - Complexity: O(Σ word lengths + W log W).
    public init(words: [String], vectors: RowMatrix, weight: Scalar = defaultWeight, rank: [Int]? = nil) {
        precondition(words.count == vectors.rows, "one vector per word")
        precondition(rank.map { $0.count == words.count } ?? true, "one rank per word")
        precondition(weight.isFinite && weight >= 0, "the weight is finite and not negative")
        scalars = words.map { $0.unicodeScalars.map(\.value) }
        let rank = rank ?? Array(words.indices)
        var groups: [Int: [Int]] = [:]
        for row in words.indices.sorted(by: { (rank[$0], $0) < (rank[$1], $1) }) {
            groups[scalars[row].count, default: []].append(row)
        }
        byLength = groups
        self.rank = rank
        self.vectors = vectors
        self.weight = weight
    }

    /// The most preferred row (lowest rank) whose word is exactly one edit from `word` and whose
    /// vector is not zero, or nil (also when `word` itself is in the table: it is no misspelling then).
    /// - Complexity: O(rows of lengths n−1 … n+1 × n), most rows rejected at their second mismatch.
    public func nearestRow(to word: String) -> Int? {
        let q = word.unicodeScalars.map(\.value)
        if byLength[q.count]?.contains(where: { scalars[$0] == q }) == true { return nil }
        var best: Int?
        for length in max(q.count - 1, 1) ... q.count + 1 {
            // Groups list rows by preference: the first usable match is the group's best.
            for row in byLength[length] ?? [] {
                if let b = best, (rank[row], row) > (rank[b], b) { break }
                guard Self.isOneEdit(q, scalars[row]) else { continue }
                let norm = vectors.withRow(row) { L2.norm($0) }
                if norm.isFinite && norm > 1e-12 { best = row; break }
            }
        }
        return best
    }

    /// Replaces row i of `predictions` (for `words[i]`) by `unit(row) + weight · unit(v)`, where v is
    /// the vector of the table word one edit away, when there is one. Returns how many rows moved.
    /// - Complexity: ``nearestRow(to:)`` per word plus O(D).
    @discardableResult
    public func blend(_ predictions: inout RowMatrix, words: [String]) -> Int {
        guard weight > 0 else { return 0 }
        var moved = 0
        let d = predictions.columns
        for (i, word) in words.enumerated() {
            guard let row = nearestRow(to: word) else { continue }
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
