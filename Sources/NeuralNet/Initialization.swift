import Tensor

/// Deterministic, seeded weight initialisers writing into a parameter tensor.
public enum Initialization {
    /// Xavier/Glorot uniform: `U(±√(6 / (fanIn + fanOut)))` (Glorot & Bengio 2010).
    public static func xavierUniform(_ p: inout some ParameterSet, _ entry: ParameterLayout.Entry,
                                     fanIn: Int, fanOut: Int, columns: Range<Int>? = nil, rng: inout SplitMix64) {
        let bound = Scalar((6.0 / Double(fanIn + fanOut)).squareRoot())
        let cols = columns ?? 0 ..< entry.columns
        for r in 0..<entry.rows {
            for c in cols { p.values[entry.offset + r * entry.columns + c] = rng.uniform(-bound, bound) }
        }
    }

    /// `U(±bound)` over the whole tensor; with `adding`, the draw is added to what is there
    /// (PyTorch's two recurrent bias vectors, which this model keeps as one sum).
    public static func uniform(_ p: inout some ParameterSet, _ entry: ParameterLayout.Entry, bound: Scalar,
                               adding: Bool = false, range: Range<Int>? = nil, rng: inout SplitMix64) {
        for i in range ?? 0 ..< entry.count {
            let draw = rng.uniform(-bound, bound)
            p.values[entry.offset + i] = adding ? p.values[entry.offset + i] + draw : draw
        }
    }

    /// Normal `N(0, std²)` over the whole tensor.
    public static func normal(_ p: inout some ParameterSet, _ entry: ParameterLayout.Entry, std: Scalar,
                              rng: inout SplitMix64) {
        for i in entry.range { p.values[i] = std * rng.normal() }
    }

    /// Writes an orthogonal `n × n` block (rows orthonormal) into columns `columns` of `entry`,
    /// which must have `n` rows (Saxe et al. 2014; recurrent weights). Gram–Schmidt in Double on a
    /// Gaussian matrix. - Complexity: O(n³).
    public static func orthogonal(_ p: inout some ParameterSet, _ entry: ParameterLayout.Entry,
                                  columns: Range<Int>, rng: inout SplitMix64) {
        let n = entry.rows
        precondition(columns.count == n, "orthogonal block must be square (\(n) × \(columns.count))")
        var q = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for i in 0..<n {
            var v = (0..<n).map { _ in Double(rng.normal()) }
            for _ in 0..<2 {  // re-orthogonalise once for accuracy
                for k in 0..<i {
                    var d = 0.0
                    for j in 0..<n { d += v[j] * q[k][j] }
                    for j in 0..<n { v[j] -= d * q[k][j] }
                }
            }
            var norm = 0.0
            for j in 0..<n { norm += v[j] * v[j] }
            norm = norm.squareRoot()
            if norm < 1e-6 { v = (0..<n).map { $0 == i ? 1 : 0 }; norm = 1 }
            q[i] = v.map { $0 / norm }
        }
        for i in 0..<n {
            for (jj, c) in columns.enumerated() {
                p.values[entry.offset + i * entry.columns + c] = Scalar(q[i][jj])
            }
        }
    }

    /// Sets `count` scalars of `entry` from flat offset `start` to `value` (e.g. forget-gate bias 1).
    public static func fill(_ p: inout some ParameterSet, _ entry: ParameterLayout.Entry, value: Scalar,
                            range: Range<Int>? = nil) {
        for i in range ?? 0 ..< entry.count { p.values[entry.offset + i] = value }
    }
}
