import Dispatch
import Tensor
#if canImport(Glibc)
import Glibc
#endif

/// InfoNCE (softmax cross-entropy) over cosine similarities to a table of unit targets, plus an
/// optional pull toward the word's own target:
///
/// ```
/// p̂_b = p_b / max(‖p_b‖, ε),   s_bj = p̂_b · t_j            (t_j: unit rows of the candidates)
/// L   = (1/B) Σ_b [ −log softmax_j(s_bj / τ)[y_b]  +  λ (1 − s_b,y_b) ]
/// ```
/// Only the predictions get a gradient (the targets are fixed), so one step costs two GEMMs of
/// `B × N × D`: scores, then `∂L/∂p̂ = softmax-error · T`. On a fixed table with the native kernels
/// both run fused in one pass per thread over its share of the table (``CandidateScanner``);
/// otherwise OpenBLAS runs them on up to two threads, each with its rows of the batch.
///
/// Candidates: the full table when it fits (`N ≤ fullTableLimit` in the trainer), otherwise the
/// batch's positives plus sampled rows, which the caller gathers; the loss only sees a table and
/// each prediction's row in it.
public final class ContrastiveLoss: @unchecked Sendable {
    /// Softmax temperature τ (> 0): smaller sharpens the ranking.
    public let temperature: Scalar
    /// λ, the weight of `1 − cos(p, t)` (0 = pure InfoNCE).
    public let cosineWeight: Scalar
    public let epsilon: Scalar
    /// Threads used for the two GEMMs and the softmax (1 or 2).
    public var threads = 1
    let parts = [_ContrastivePart(), _ContrastivePart()]
    /// A fixed table set by ``setTable(_:count:dimensions:)``, and with the native kernels its
    /// split into one contiguous range of candidates per thread.
    var table: [Scalar] = []
    var tableCount = 0
    var halves: [Range<Int>] = []

    public init(temperature: Scalar = 0.05, cosineWeight: Scalar = 0, epsilon: Scalar = 1e-8) {
        precondition(temperature > 0 && temperature.isFinite, "temperature must be positive and finite")
        self.temperature = temperature
        self.cosineWeight = cosineWeight
        self.epsilon = epsilon
    }

    /// Fixes the candidate table for ``callAsFunction(_:positives:)``: `[count × D]` unit rows.
    /// With the native kernels, each thread's pass reads its own contiguous range of the table in place.
    public func setTable(_ candidates: [Scalar], count: Int, dimensions d: Int) {
        precondition(count >= 1 && candidates.count >= count * d, "table must be [\(count) × \(d)]")
        table = candidates
        tableCount = count
        let parts = Kernels.usesNativeKernels && threads >= 2 && count >= 2 ? 2 : 1
        halves = (0 ..< parts).map { count * $0 / parts ..< count * ($0 + 1) / parts }
    }

    /// Loss and `∂L/∂predictions` against the table of ``setTable(_:count:dimensions:)``.
    public func callAsFunction(_ predictions: Matrix, positives: [Int]) -> (value: Double, gradient: Matrix) {
        precondition(tableCount > 0, "setTable first")
        return compute(predictions, candidates: table, count: tableCount, positives: positives,
                       packed: Kernels.usesNativeKernels)
    }

    /// Loss and `∂L/∂predictions`.
    /// - Parameters:
    ///   - predictions: `[B × D]`.
    ///   - candidates: `[count × D]` row-major unit rows.
    ///   - positives: `positives[b]` is the row of prediction b's target in `candidates`.
    /// - Complexity: 4·B·N·D flops plus `B·N` exponentials.
    public func callAsFunction(_ predictions: Matrix, candidates: [Scalar], count n: Int,
                               positives: [Int]) -> (value: Double, gradient: Matrix) {
        compute(predictions, candidates: candidates, count: n, positives: positives, packed: false)
    }

    func compute(_ predictions: Matrix, candidates: [Scalar], count n: Int, positives: [Int],
                 packed: Bool) -> (value: Double, gradient: Matrix) {
        let b = predictions.rows, d = predictions.columns
        precondition(positives.count == b && b > 0, "one positive per prediction")
        precondition(candidates.count >= n * d && n >= 1, "candidates must be [\(n) × \(d)]")
        precondition(positives.allSatisfy { $0 >= 0 && $0 < n }, "positive index outside the candidates")
        var unit = predictions.storage
        var norms = [Scalar](repeating: 0, count: b)
        for r in 0 ..< b {
            var ss: Double = 0
            for j in 0 ..< d { let x = Double(unit[r * d + j]); ss += x * x }
            let norm = Scalar(ss.squareRoot())
            norms[r] = norm
            let inverse = 1 / max(norm, epsilon)
            for j in 0 ..< d { unit[r * d + j] *= inverse }
        }
        var dUnit = [Scalar](repeating: 0, count: b * d)
        var total = 0.0
        if packed {
            (total, dUnit) = computeByColumns(unit: unit, b: b, d: d, positives: positives)
        } else {
            total = computeByRows(unit: unit, candidates: candidates, n: n, b: b, d: d, positives: positives, dUnit: &dUnit)
        }
        return (total / Double(b), Self.throughNormalization(unit: unit, norms: norms, dUnit: dUnit, b: b, d: d, epsilon: epsilon))
    }

    /// Row split (one or two threads): each part ranks its rows of the batch against the whole table.
    func computeByRows(unit: [Scalar], candidates: [Scalar], n: Int, b: Int, d: Int, positives: [Int],
                       dUnit: inout [Scalar]) -> Double {
        let partCount = min(max(threads, 1), 2, b)
        let splits = (0 ..< partCount).map { b * $0 / partCount ..< b * ($0 + 1) / partCount }
        var total = 0.0
        let work = _ContrastiveWork(loss: self, unit: unit, candidates: candidates, n: n, d: d, b: b, positives: positives)
        if partCount == 1 {
            total = work.run(splits[0], scratch: &self.parts[0].scratch, dUnit: &dUnit)
        } else {
            for (i, range) in splits.enumerated() {
                self.parts[i].dUnit = [Scalar](repeating: 0, count: range.count * d)
            }
            DispatchQueue.concurrentPerform(iterations: partCount) { i in
                let part = work.loss.parts[i]
                part.loss = work.run(splits[i], scratch: &part.scratch, dUnit: &part.dUnit, offsetRows: splits[i].lowerBound)
            }
            for (i, range) in splits.enumerated() {
                total += self.parts[i].loss
                dUnit.replaceSubrange(range.lowerBound * d ..< range.upperBound * d, with: self.parts[i].dUnit)
            }
        }
        return total
    }

    /// `∂L/∂p` from `∂L/∂p̂`: `(I − p̂p̂ᵀ)/‖p‖` when ‖p‖ > ε, else `I/ε`.
    static func throughNormalization(unit: [Scalar], norms: [Scalar], dUnit: [Scalar], b: Int, d: Int,
                                     epsilon: Scalar) -> Matrix {
        var gradient = Matrix(rows: b, columns: d)
        for r in 0 ..< b {
            let base = r * d
            if norms[r] > epsilon {
                var dot: Scalar = 0
                for j in 0 ..< d { dot += unit[base + j] * dUnit[base + j] }
                let inverse = 1 / norms[r]
                for j in 0 ..< d { gradient.storage[base + j] = (dUnit[base + j] - unit[base + j] * dot) * inverse }
            } else {
                for j in 0 ..< d { gradient.storage[base + j] = dUnit[base + j] / epsilon }
            }
        }
        return gradient
    }
}

/// One thread's scratch (scores `[rows × N]`) and results.
final class _ContrastivePart: @unchecked Sendable {
    var scratch: [Scalar] = []
    var dUnit: [Scalar] = []
    var loss = 0.0
    /// Native path: this part's fused pass (its scratch), and per batch row the positive's raw score
    /// (when in this part), the part's maximum score, Σ exp((s − maximum)/τ) and (in `dUnit`) the
    /// exponential-weighted sum of its candidates.
    var scanner = CandidateScanner()
    var positive: [Scalar] = []
    var maximum: [Scalar] = []
    var sum: [Double] = []
}

struct _ContrastiveWork: @unchecked Sendable {
    let loss: ContrastiveLoss
    let unit: [Scalar]
    let candidates: [Scalar]
    let n: Int, d: Int, b: Int
    let positives: [Int]

    /// Rows `rows` of the batch: scores, per-row loss sum, and `∂L/∂p̂` into `dUnit` (whose row 0 is
    /// batch row `offsetRows`). Returns Σ of the rows' losses (not divided by B).
    func run(_ rows: Range<Int>, scratch: inout [Scalar], dUnit: inout [Scalar], offsetRows: Int = 0) -> Double {
        let m = rows.count
        if scratch.count < m * n { scratch = [Scalar](repeating: 0, count: m * n) }
        BLAS.gemm(transposeB: true, m: m, n: n, k: d, unit, rows.lowerBound * d, lda: d, candidates, 0, ldb: d,
                  beta: 0, &scratch, 0, ldc: n)
        let inverseT = 1 / loss.temperature, lambda = Double(loss.cosineWeight)
        let scale = 1 / (Scalar(b) * loss.temperature)
        var total = 0.0
        scratch.withUnsafeMutableBufferPointer { s in
            for i in 0 ..< m {
                let row = s.baseAddress! + i * n
                let y = positives[rows.lowerBound + i]
                let positive = row[y]
                let (sum, maximum) = Kernels.softmaxRow(row, count: n, scale: inverseT)
                let logSum = Double(maximum * inverseT) + _log(sum)
                total += logSum - Double(positive * inverseT) + lambda * (1 - Double(positive))
                let normaliser = Scalar(1 / sum) * scale
                for j in 0 ..< n { row[j] *= normaliser }
                row[y] -= scale
            }
        }
        // ∂L/∂p̂ = G · T, then the cosine pull −λ/B · t_y.
        BLAS.gemm(m: m, n: d, k: n, scratch, 0, lda: n, candidates, 0, ldb: d, beta: 0, &dUnit,
                  (rows.lowerBound - offsetRows) * d, ldc: d)
        if lambda != 0 {
            let pull = -loss.cosineWeight / Scalar(b)
            for i in 0 ..< m {
                let y = positives[rows.lowerBound + i], base = (rows.lowerBound - offsetRows + i) * d
                for j in 0 ..< d { dUnit[base + j] += pull * candidates[y * d + j] }
            }
        }
        return total
    }
}

@inline(__always) func _log(_ x: Double) -> Double { Glibc.log(x) }
