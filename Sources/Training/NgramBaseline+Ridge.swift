import EmbeddingCore
import NeuralNet
import Tensor

extension NgramBaseline {
    /// The words' grams as a sparse matrix over the buckets they use: row `i` holds each distinct
    /// gram of word `i` once with weight `count / grams` (the mean bag is `xᵢ · table`).
    struct GramMatrix {
        /// CSR: row `i`'s entries are `start[i] ..< start[i + 1]`.
        var start: [Int] = [0]
        /// Compact column of each entry (an index into ``buckets``).
        var column: [Int32] = []
        var weight: [Scalar] = []
        /// Table row of each compact column.
        var buckets: [Int32] = []

        init(ids: [[Int32]], bucketCount: Int) {
            var compact = [Int32](repeating: -1, count: bucketCount)
            for grams in ids {
                let scale = 1 / Scalar(max(grams.count, 1))
                for id in grams.sorted() {
                    if let last = column.last, buckets[Int(last)] == id, weight.count > start[start.count - 1] {
                        weight[weight.count - 1] += scale
                        continue
                    }
                    if compact[Int(id)] < 0 {
                        compact[Int(id)] = Int32(buckets.count)
                        buckets.append(id)
                    }
                    column.append(compact[Int(id)])
                    weight.append(scale)
                }
                start.append(column.count)
            }
        }

        var rows: Int { start.count - 1 }
        var columns: Int { buckets.count }
    }

    /// Ridge fit of `settings.ngrams`'s table on the training rows `rows` (all when nil):
    /// `min Σᵢ |xᵢW − tᵢ|² + λ|W|²` over the rows the words use (`xᵢ` the word's mean gram
    /// indicator), by `iterations` steps of conjugate gradients preconditioned with
    /// `diag(XᵀX) + λ`, from `W = 0` (`(λ, iterations)` = ``Settings/ridge``). Rows no word uses
    /// keep their start values. Memory: four `[used buckets × D]` arrays.
    /// - Complexity: O(iterations × (entries + used buckets) × D).
    static func fitRidge(data: TrainingData, settings: Settings, maxLength: Int, rows: [Int]?) -> NgramTable {
        let (lambda, iterations) = settings.ridge!
        let d = data.dimensions
        var table = NgramTable(configuration: settings.ngrams, dimensions: d)
        var rng = SplitMix64(seed: settings.seed ^ 0xBA5E)
        fillStart(&table.values, rng: &rng)
        let order = rows ?? Array(0 ..< data.trainCount)
        guard !order.isEmpty else { return table }
        let x = GramMatrix(ids: order.map { settings.ngrams.ids(data.trainWords[$0], maxScalars: maxLength) },
                           bucketCount: settings.ngrams.buckets)
        let f = x.columns, n = x.rows
        // Jacobi preconditioner 1 / (Σᵢ x_ig² + λ).
        var inverseDiagonal = [Scalar](repeating: lambda, count: f)
        for k in x.weight.indices { inverseDiagonal[Int(x.column[k])] += x.weight[k] * x.weight[k] }
        for g in 0 ..< f { inverseDiagonal[g] = 1 / inverseDiagonal[g] }
        var w = [Scalar](repeating: 0, count: f * d)
        var r = [Scalar](repeating: 0, count: f * d)          // residual XᵀT − (XᵀX + λ)W
        var p = [Scalar](repeating: 0, count: f * d)          // search direction
        var ap = [Scalar](repeating: 0, count: f * d)         // (XᵀX + λ)p
        var xp = [Scalar](repeating: 0, count: n * d)         // X p
        var gathered = [Scalar](repeating: 0, count: n * d)
        data.targets.withUnsafeBufferPointer { targets in
            for (i, row) in order.enumerated() {
                for j in 0 ..< d { gathered[i * d + j] = targets[row * d + j] }
            }
        }
        gathered.withUnsafeBufferPointer { t in r.withUnsafeMutableBufferPointer { scatterTransposed(x, t, into: $0, d: d) } }
        w.withUnsafeMutableBufferPointer { w in
            r.withUnsafeMutableBufferPointer { r in
                p.withUnsafeMutableBufferPointer { p in
                    ap.withUnsafeMutableBufferPointer { ap in
                        xp.withUnsafeMutableBufferPointer { xp in
                            inverseDiagonal.withUnsafeBufferPointer { m in
                                solve(x, w: w, r: r, p: p, ap: ap, xp: xp, inverseDiagonal: m, lambda: lambda,
                                      iterations: iterations, d: d)
                            }
                        }
                    }
                }
            }
        }
        for (g, bucket) in x.buckets.enumerated() {
            let o = Int(bucket) * d
            for j in 0 ..< d { table.values[o + j] = w[g * d + j] }
        }
        return table
    }

    /// The preconditioned conjugate-gradient steps of ``fitRidge``, from `w = 0` and `r = XᵀT`:
    /// every array is `[used buckets × d]` except `xp` `[rows × d]`; each column is its own solve.
    private static func solve(_ x: GramMatrix, w: UnsafeMutableBufferPointer<Scalar>, r: UnsafeMutableBufferPointer<Scalar>,
                              p: UnsafeMutableBufferPointer<Scalar>, ap: UnsafeMutableBufferPointer<Scalar>,
                              xp: UnsafeMutableBufferPointer<Scalar>, inverseDiagonal m: UnsafeBufferPointer<Scalar>,
                              lambda: Scalar, iterations: Int, d: Int) {
        let f = x.columns
        var rz = [Double](repeating: 0, count: d), next = rz, curvature = rz
        var alpha = [Scalar](repeating: 0, count: d), beta = alpha
        rz.withUnsafeMutableBufferPointer { rz in
            for g in 0 ..< f {
                for j in 0 ..< d {
                    let z = r[g * d + j] * m[g]
                    p[g * d + j] = z
                    rz[j] += Double(r[g * d + j] * z)
                }
            }
        }
        for _ in 0 ..< iterations {
            multiply(x, UnsafeBufferPointer(p), into: xp, d: d)
            for k in 0 ..< f * d { ap[k] = lambda * p[k] }
            scatterTransposed(x, UnsafeBufferPointer(xp), into: ap, d: d)
            curvature.withUnsafeMutableBufferPointer { c in
                for j in 0 ..< d { c[j] = 0 }
                for g in 0 ..< f { for j in 0 ..< d { c[j] += Double(p[g * d + j] * ap[g * d + j]) } }
            }
            // A column whose residual vanished (or a zero target column) stops moving.
            for j in 0 ..< d { alpha[j] = curvature[j] > 0 && rz[j] > 0 ? Scalar(rz[j] / curvature[j]) : 0 }
            alpha.withUnsafeBufferPointer { alpha in
                next.withUnsafeMutableBufferPointer { next in
                    for j in 0 ..< d { next[j] = 0 }
                    for g in 0 ..< f {
                        let mg = m[g]
                        for j in 0 ..< d {
                            let k = g * d + j
                            w[k] += alpha[j] * p[k]
                            r[k] -= alpha[j] * ap[k]
                            next[j] += Double(r[k] * r[k] * mg)
                        }
                    }
                }
            }
            for j in 0 ..< d { beta[j] = rz[j] > 0 ? Scalar(next[j] / rz[j]) : 0 }
            beta.withUnsafeBufferPointer { beta in
                for g in 0 ..< f {
                    let mg = m[g]
                    for j in 0 ..< d { p[g * d + j] = r[g * d + j] * mg + beta[j] * p[g * d + j] }
                }
            }
            swap(&rz, &next)
        }
    }

    /// `out[i] = Σ_g x_ig · v[g]` (`v` `[columns × d]`, `out` `[rows × d]`).
    private static func multiply(_ x: GramMatrix, _ v: UnsafeBufferPointer<Scalar>, into out: UnsafeMutableBufferPointer<Scalar>, d: Int) {
        x.column.withUnsafeBufferPointer { column in
            x.weight.withUnsafeBufferPointer { weight in
                for i in 0 ..< x.rows {
                    let o = i * d
                    for j in 0 ..< d { out[o + j] = 0 }
                    for k in x.start[i] ..< x.start[i + 1] {
                        let a = weight[k], s = Int(column[k]) * d
                        for j in 0 ..< d { out[o + j] += a * v[s + j] }
                    }
                }
            }
        }
    }

    /// `out[g] += Σ_i x_ig · v[i]` (`v` `[rows × d]`, `out` `[columns × d]`).
    private static func scatterTransposed(_ x: GramMatrix, _ v: UnsafeBufferPointer<Scalar>, into out: UnsafeMutableBufferPointer<Scalar>, d: Int) {
        x.column.withUnsafeBufferPointer { column in
            x.weight.withUnsafeBufferPointer { weight in
                for i in 0 ..< x.rows {
                    let s = i * d
                    for k in x.start[i] ..< x.start[i + 1] {
                        let a = weight[k], o = Int(column[k]) * d
                        for j in 0 ..< d { out[o + j] += a * v[s + j] }
                    }
                }
            }
        }
    }
}
