import RealModule

/// Result of a central finite-difference gradient check: the worst index and its numbers.
public struct GradientCheckResult: CustomStringConvertible, Sendable {
    public var checked = 0
    public var failures = 0
    public var worstIndex = -1
    public var worstAnalytic = 0.0
    public var worstNumeric = 0.0
    /// `|a − n| / max(|a|, |n|, absoluteTolerance/relativeTolerance)` at the worst index.
    public var worstError = 0.0
    public var passed: Bool { failures == 0 }

    public var description: String {
        "\(failures) of \(checked) gradients differ; worst index \(worstIndex): analytic \(worstAnalytic), "
            + "numeric \(worstNumeric), relative error \(worstError)"
    }
}

/// Central finite differences `(L(x+h) − L(x−h)) / (x+h − (x−h))`, the loss accumulated in Double.
///
/// For each index `i` of `values` (or of `indices`), perturbs `values[i]` by ±`step`, evaluates
/// `loss` (which must read `values` afresh), restores it, and compares with `analytic[i]` using
/// `isApproximatelyEqual(to:absoluteTolerance:relativeTolerance:)`. The step actually taken is
/// measured in Double after rounding to Float, so Float parameters do not bias the quotient.
/// - Complexity: 2 loss evaluations per checked index.
public func checkGradients(
    values: inout [Float], analytic: [Float], indices: [Int]? = nil, step: Float = 3e-3,
    absoluteTolerance: Double = 2e-3, relativeTolerance: Double = 2e-2,
    loss: (_ values: [Float]) -> Double
) -> GradientCheckResult {
    precondition(values.count == analytic.count, "values (\(values.count)) and analytic gradient (\(analytic.count)) differ")
    var result = GradientCheckResult()
    for i in indices ?? Array(values.indices) {
        let original = values[i]
        let plus = original + step, minus = original - step
        values[i] = plus
        let lPlus = loss(values)
        values[i] = minus
        let lMinus = loss(values)
        values[i] = original
        let numeric = (lPlus - lMinus) / (Double(plus) - Double(minus))
        let a = Double(analytic[i])
        result.checked += 1
        let ok = a.isApproximatelyEqual(to: numeric, absoluteTolerance: absoluteTolerance,
                                        relativeTolerance: relativeTolerance)
        let error = abs(a - numeric) / max(abs(a), abs(numeric), absoluteTolerance / relativeTolerance)
        if !ok { result.failures += 1 }
        if error > result.worstError || result.worstIndex < 0 || !numeric.isFinite {
            result.worstIndex = i
            result.worstAnalytic = a
            result.worstNumeric = numeric
            result.worstError = numeric.isFinite ? error : .infinity
        }
    }
    return result
}

/// A fixed pseudo-random vector in [−1, 1) for the projection `L = Σ output ⊙ r`.
public func randomProjection(count: Int, seed: UInt64) -> [Float] {
    var state = seed
    return (0..<count).map { _ in
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Float(Double(state >> 40) / Double(1 << 24)) * 2 - 1
    }
}

/// `Σ output[i] · r[i]` in Double.
public func project(_ output: [Float], _ r: [Float]) -> Double {
    precondition(output.count >= r.count)
    var total = 0.0
    for i in r.indices { total += Double(output[i]) * Double(r[i]) }
    return total
}
