import CharvecRuntime
import Tensor
#if canImport(Glibc)
import Glibc
#endif

/// The native path over a fixed table: the table is split by *candidates* into one part per
/// thread; each part makes one fused pass (scores, online softmax, softmax-weighted sum of its
/// candidates) with the whole batch, and the parts are merged per row from their maxima and sums.
/// The passes are bound by reading the table, so each thread reads only its part.
extension ContrastiveLoss {
    /// Σ of the rows' losses (not divided by B) and `∂L/∂p̂` `[B × D]` for unit predictions `unit`.
    ///
    /// Per row, with part i's largest score `m_i`, `z_i = Σ_j e^{(s_j − m_i)/τ}` and
    /// `w_i = Σ_j e^{(s_j − m_i)/τ} t_j` over its candidates, `top = max m_i`, `Z = Σ z_i·e^{(m_i − top)/τ}`:
    /// `L = top/τ + log Z − s_y/τ + λ(1 − s_y)` and
    /// `∂L/∂p̂ = (1/(Bτ)) Σ_i e^{(m_i − top)/τ} w_i / Z − (1/(Bτ) + λ/B) t_y`.
    func computeByColumns(unit: [Scalar], b: Int, d: Int, positives: [Int]) -> (Double, [Scalar]) {
        let inverseT = 1 / temperature
        let parts = self.parts, halves = self.halves
        let work = _UncheckedBox((parts, halves, table, unit, positives))
        let body: @Sendable (Int) -> Void = { i in
            let (parts, halves, table, unit, positives) = work.value
            let part = parts[i], range = halves[i]
            let scan = part.scanner.scan(table, range.lowerBound * d, count: range.count, dimensions: d, units: unit, rows: b,
                                         scale: inverseT, positives: positives.map { $0 - range.lowerBound })
            (part.maximum, part.sum, part.positive, part.dUnit) = (scan.maximum, scan.sum, scan.positive, scan.weighted)
        }
        // The recurrent layers' two-thread regions run on the same persistent helper: no thread wake-up per step.
        if halves.count == 2 { SpinTeam.shared.run(body) } else { body(0) }
        var total = 0.0
        let scale = 1 / (Scalar(b) * temperature), lambda = Double(cosineWeight)
        let pull = scale + cosineWeight / Scalar(b)
        var dUnit = [Scalar](repeating: 0, count: b * d)
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
            for i in halves.indices {
                Kernels.axpy(Scalar(shifts[i] / sum) * scale, parts[i].dUnit, r * d, &dUnit, r * d, count: d)
            }
            Kernels.axpy(-pull, table, positives[r] * d, &dUnit, r * d, count: d)
        }
        return (total, dUnit)
    }
}

/// Hands values to the worker threads (each part writes only its own `_ContrastivePart`).
struct _UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

@inline(__always) func _exp(_ x: Double) -> Double { Glibc.exp(x) }
