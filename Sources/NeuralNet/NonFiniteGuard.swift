import Tensor

/// Where a NaN or ±Inf was found: the loss, or one scalar of a named parameter tensor.
public struct NonFiniteReport: Error, Equatable, Sendable, CustomStringConvertible {
    /// What was scanned: "loss", "gradient", "parameter".
    public let source: String
    /// Parameter tensor name (nil for the loss).
    public let parameter: String?
    /// Row and column inside that tensor.
    public let row: Int
    public let column: Int
    public let value: Scalar

    public var description: String {
        guard let parameter else { return "non-finite loss (\(value)); the update was skipped" }
        return "non-finite \(source) \(value) in \(parameter)[\(row), \(column)]; the update was skipped"
    }
}

/// Scans the loss and gradients for NaN/Inf before an optimiser step may touch the weights.
public enum NonFiniteGuard {
    /// The first non-finite scalar of `set` (SIMD scan per tensor), or nil. - Complexity: O(count).
    public static func check(_ set: some ParameterSet, source: String = "gradient") -> NonFiniteReport? {
        for entry in set.layout.entries {
            if let i = Kernels.firstNonFinite(set.values, entry.offset, count: entry.count) {
                return NonFiniteReport(source: source, parameter: entry.name, row: i / entry.columns,
                                       column: i % entry.columns, value: set.values[entry.offset + i])
            }
        }
        return nil
    }

    /// The same, given `globalNorm` = `set.globalNorm`: a finite norm proves every scalar finite
    /// (a NaN or ±Inf makes any sum of squares non-finite), so the scan runs only when the norm is
    /// not finite, to name the culprit. It may then find none: finite values whose squares
    /// overflowed the norm's Float partial sums. - Complexity: O(1), or O(count) when the norm is not finite.
    public static func check(_ set: some ParameterSet, globalNorm: Double, source: String = "gradient") -> NonFiniteReport? {
        globalNorm.isFinite ? nil : check(set, source: source)
    }

    /// Throws a report when `loss` or any gradient is non-finite.
    public static func validate(loss: Double, gradients: some ParameterSet) throws(NonFiniteReport) {
        if !loss.isFinite {
            throw NonFiniteReport(source: "loss", parameter: nil, row: 0, column: 0, value: Scalar(loss))
        }
        if let report = check(gradients) { throw report }
    }

    /// ``validate(loss:gradients:)`` with the global norm already computed (see ``check(_:globalNorm:source:)``).
    public static func validate(loss: Double, gradients: some ParameterSet, globalNorm: Double) throws(NonFiniteReport) {
        if !loss.isFinite {
            throw NonFiniteReport(source: "loss", parameter: nil, row: 0, column: 0, value: Scalar(loss))
        }
        if let report = check(gradients, globalNorm: globalNorm) { throw report }
    }
}
