/// Correlation coefficients, computed in `Double` as scipy.stats does.
public enum Correlation {
    /// Ranks 1…n with ties given the average of the ranks they span
    /// (scipy.stats.rankdata, `method='average'`). - Complexity: O(n log n).
    public static func averageRanks(_ values: [Double]) -> [Double] {
        let order = values.indices.sorted { values[$0] < values[$1] || (values[$0] == values[$1] && $0 < $1) }
        var ranks = [Double](repeating: 0, count: values.count)
        var start = 0
        while start < order.count {
            var end = start + 1
            while end < order.count && values[order[end]] == values[order[start]] { end += 1 }
            // Positions start..<end (0-based) share ranks start+1 … end.
            let average = Double(start + 1 + end) / 2
            for i in start ..< end { ranks[order[i]] = average }
            start = end
        }
        return ranks
    }

    /// Pearson's r. - Returns: NaN if either input is constant or has fewer than 2 values.
    public static func pearson(_ x: [Double], _ y: [Double]) -> Double {
        precondition(x.count == y.count, "pearson: \(x.count) vs \(y.count) values")
        guard x.count >= 2 else { return .nan }
        let n = Double(x.count)
        let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for i in x.indices {
            let dx = x[i] - mx, dy = y[i] - my
            sxy += dx * dy
            sxx += dx * dx
            syy += dy * dy
        }
        let r = sxy / (sxx.squareRoot() * syy.squareRoot())
        return r.isNaN ? r : max(-1, min(1, r))
    }

    /// Spearman's ρ: Pearson's r of the average ranks (scipy.stats.spearmanr).
    public static func spearman(_ x: [Double], _ y: [Double]) -> Double {
        pearson(averageRanks(x), averageRanks(y))
    }
}
