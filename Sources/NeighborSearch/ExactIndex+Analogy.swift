import EmbeddingCore

/// How an analogy "a is to b as c is to ?" combines its input words
/// (Levy & Goldberg 2014, "Linguistic Regularities in Sparse and Explicit Word Representations").
public enum AnalogyMethod: Sendable {
    /// 3CosAdd: cosine to the normalised mean of `+b̂ + ĉ − â` (gensim `most_similar`).
    case cosAdd
    /// 3CosMul: `Π_pos s(x, p) / (Π_neg s(x, n) + ε)` with `s = (1 + cos) / 2` and
    /// `ε = 1e-6` (gensim `most_similar_cosmul`, Levy & Goldberg eq. 4, footnote 7).
    case cosMul
}

extension ExactIndex {
    /// The normalised weighted mean of normalised rows, as gensim's
    /// `get_mean_vector(keys, weights, pre_normalize=True, post_normalize=True)`:
    ///
    /// ```
    /// m = Σ wᵢ · x̂ᵢ / Σ |wᵢ|,   query = m / ‖m‖
    /// ```
    /// Positive rows have weight +1 and negative rows −1, summed in that order.
    /// - Returns: a unit vector of `dimensions` values, or nil if the mean is zero
    ///   (e.g. `positive == negative`) or no rows are given.
    public func meanQuery(positive: [Int], negative: [Int] = []) -> [Scalar]? {
        let terms = positive.map { ($0, Scalar(1)) } + negative.map { ($0, Scalar(-1)) }
        guard !terms.isEmpty else { return nil }
        var mean = [Scalar](repeating: 0, count: dimensions)
        for (row, weight) in terms {
            precondition(row >= 0 && row < rows, "row \(row) out of range 0..<\(rows)")
            normalizedMatrix.withRow(row) { x in
                for j in 0 ..< dimensions { mean[j] += weight * x[j] }
            }
        }
        let total = Scalar(terms.count)
        for j in 0 ..< dimensions { mean[j] /= total }
        return normalizedQuery(mean)
    }

    /// Solves an analogy over rows: with `positive = [b, c]` and `negative = [a]`,
    /// finds `d` such that a : b :: c : d. The input rows are never returned.
    ///
    /// - Parameters:
    ///   - positive: rows that attract (at least one).
    ///   - negative: rows that repel.
    ///   - k: results wanted.
    ///   - method: ``AnalogyMethod/cosAdd`` (gensim `most_similar`) or
    ///     ``AnalogyMethod/cosMul`` (gensim `most_similar_cosmul`).
    ///   - rowLimit: search only rows `0 ..< rowLimit`.
    /// - Returns: at most `k` neighbours, best first; `score` is the cosine for 3CosAdd and
    ///   the multiplicative objective for 3CosMul.
    /// - Complexity: one scan of the rows (3CosAdd) or one scan with
    ///   `positive.count + negative.count` dot products per row (3CosMul).
    public func analogy(positive: [Int], negative: [Int] = [], k: Int, method: AnalogyMethod = .cosAdd,
                        rowLimit: Int? = nil) -> [Neighbor] {
        precondition(!positive.isEmpty, "an analogy needs at least one positive row")
        let excluded = Set(positive + negative)
        switch method {
        case .cosAdd:
            guard let query = meanQuery(positive: positive, negative: negative) else { return [] }
            return _searchUnit(query, k: k, excluding: excluded, rowLimit: rowLimit)
        case .cosMul:
            return _cosMul(positive: positive, negative: negative, k: k, excluding: excluded, rowLimit: rowLimit)
        }
    }

    private func _cosMul(positive: [Int], negative: [Int], k: Int, excluding: Set<Int>, rowLimit: Int?) -> [Neighbor] {
        let end = min(rowLimit ?? rows, rows), n = dimensions
        let terms = positive + negative, p = positive.count
        var top = TopK(k: k)
        normalizedMatrix.withUnsafeBufferPointer { m in
            guard let base = m.baseAddress else { return }
            for row in 0 ..< end where !_unsearchable[row] && !excluding.contains(row) {
                let x = base + row * n
                var numerator: Scalar = 1, denominator: Scalar = 1
                for (t, term) in terms.enumerated() {
                    let shifted = (1 + _dot(x, base + term * n, n)) / 2
                    if t < p { numerator *= shifted } else { denominator *= shifted }
                }
                top.insert(Neighbor(row: row, score: numerator / (denominator + 1e-6)))
            }
        }
        return top.sorted()
    }
}
