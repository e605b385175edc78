import Dispatch
import Tensor
#if canImport(Glibc)
import Glibc
#endif

/// Two threads over a fixed, packed table split the *candidates* rather than the batch: each
/// thread streams its half of the table once per product with the whole batch (the products are
/// bound by reading the table, which is larger than the caches), and the row softmax is merged
/// from the two halves' maxima and sums.
extension ContrastiveLoss {
    /// Packs each half of the table for the column split (native kernels, two threads).
    func packHalves(_ candidates: [Scalar], count: Int, dimensions d: Int) {
        let middle = count / 2
        halves = [0 ..< middle, middle ..< count].filter { !$0.isEmpty }
        halfTransposed = halves.map { range in
            var p = PackedOperand()
            p.pack(candidates, range.lowerBound * d, k: d, n: range.count, ldb: d, transposed: true)
            return p
        }
        halfTable = halves.map { range in
            var p = PackedOperand()
            p.pack(candidates, range.lowerBound * d, k: range.count, n: d, ldb: d, transposed: false)
            return p
        }
    }

    /// Σ of the rows' losses (not divided by B) and `∂L/∂p̂` `[B × D]` for unit predictions `unit`.
    func computeByColumns(unit: [Scalar], b: Int, d: Int, positives: [Int]) -> (Double, [Scalar]) {
        let inverseT = 1 / temperature
        let parts = self.parts, halves = self.halves, halfTransposed = self.halfTransposed, halfTable = self.halfTable
        let work = _UncheckedBox((parts, halves, halfTransposed, halfTable, unit, positives))
        // 1. Each half: scores, the positive's raw score, and an in-place softmax of its segment.
        DispatchQueue.concurrentPerform(iterations: halves.count) { i in
            let (parts, halves, transposed, _, unit, positives) = work.value
            let part = parts[i], range = halves[i], n = range.count
            if part.scratch.count < b * n { part.scratch = [Scalar](repeating: 0, count: b * n) }
            transposed[i].multiply(m: b, unit, 0, lda: d, accumulate: false, into: &part.scratch, 0, ldc: n)
            part.positive = [Scalar](repeating: 0, count: b)
            part.maximum = [Scalar](repeating: 0, count: b)
            part.sum = [Double](repeating: 0, count: b)
            part.scratch.withUnsafeMutableBufferPointer { s in
                for r in 0 ..< b {
                    if range.contains(positives[r]) { part.positive[r] = s[r * n + positives[r] - range.lowerBound] }
                    let (sum, maximum) = Kernels.softmaxRow(s.baseAddress! + r * n, count: n, scale: inverseT)
                    part.sum[r] = sum
                    part.maximum[r] = maximum
                }
            }
        }
        // 2. Merge the halves per row: the loss, and each half's factor turning its exponentials into ∂L/∂s.
        var total = 0.0
        let scale = 1 / (Scalar(b) * temperature), lambda = Double(cosineWeight)
        var factors = [[Scalar]](repeating: [Scalar](repeating: 0, count: b), count: halves.count)
        for r in 0 ..< b {
            let top = halves.indices.map { parts[$0].maximum[r] }.max()!
            var sum = 0.0
            var shifts = [Double](repeating: 0, count: halves.count)
            for i in halves.indices {
                shifts[i] = _exp(Double((parts[i].maximum[r] - top) * inverseT))
                sum += parts[i].sum[r] * shifts[i]
            }
            let owner = halves.firstIndex { $0.contains(positives[r]) }!
            let positive = Double(parts[owner].positive[r])
            total += Double(top * inverseT) + _log(sum) - positive * Double(inverseT) + lambda * (1 - positive)
            for i in halves.indices { factors[i][r] = Scalar(shifts[i] / sum) * scale }
        }
        // 3. Each half: ∂L/∂s = softmax − one-hot (scaled), then its share of ∂L/∂p̂ = G·T.
        let factorsBox = _UncheckedBox(factors)
        DispatchQueue.concurrentPerform(iterations: halves.count) { i in
            let (parts, halves, _, table, _, positives) = work.value
            let part = parts[i], range = halves[i], n = range.count, f = factorsBox.value[i]
            part.scratch.withUnsafeMutableBufferPointer { s in
                for r in 0 ..< b {
                    let row = s.baseAddress! + r * n, factor = f[r]
                    for j in 0 ..< n { row[j] *= factor }
                    if range.contains(positives[r]) { row[positives[r] - range.lowerBound] -= scale }
                }
            }
            if part.dUnit.count != b * d { part.dUnit = [Scalar](repeating: 0, count: b * d) }
            table[i].multiply(m: b, part.scratch, 0, lda: n, accumulate: false, into: &part.dUnit, 0, ldc: d)
        }
        var dUnit = parts[0].dUnit
        for i in 1 ..< halves.count { Kernels.axpy(1, parts[i].dUnit, 0, &dUnit, 0, count: b * d) }
        if lambda != 0 {
            let pull = -cosineWeight / Scalar(b)
            for r in 0 ..< b { Kernels.axpy(pull, table, positives[r] * d, &dUnit, r * d, count: d) }
        }
        return (total, dUnit)
    }
}

/// Hands values to `concurrentPerform` (each part writes only its own `_ContrastivePart`).
struct _UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

@inline(__always) func _exp(_ x: Double) -> Double { Glibc.exp(x) }
