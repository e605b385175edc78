/// L2 norms and unit vectors, accumulated in `Double` so the result does not depend on the
/// summation order or the dimension (one definition for training targets, evaluation, the
/// sanitizer and the CLI). Nearest-neighbour search keeps its own float kernel, which matches
/// gensim's `vectors / norms` bit for bit.
public enum L2 {
    /// ‖x‖ in double precision. - Complexity: O(n).
    @inlinable
    public static func norm(_ x: UnsafeBufferPointer<Scalar>) -> Double {
        var sum = 0.0
        for v in x { sum += Double(v) * Double(v) }
        return sum.squareRoot()
    }

    /// Writes `x / ‖x‖` (each value divided in double, then rounded) to `y` and returns ‖x‖.
    /// A zero or non-finite norm has no direction: `y` gets zeros.
    /// - Precondition: `y.count == x.count`; `y` may be `x` itself.
    @inlinable @discardableResult
    public static func normalize(_ x: UnsafeBufferPointer<Scalar>, into y: UnsafeMutableBufferPointer<Scalar>) -> Double {
        precondition(y.count == x.count, "normalize: \(x.count) values into \(y.count)")
        let norm = norm(x)
        guard norm > 0 && norm.isFinite else {
            for i in 0 ..< y.count { y[i] = 0 }
            return norm
        }
        for i in 0 ..< x.count { y[i] = Scalar(Double(x[i]) / norm) }
        return norm
    }

    /// `x / ‖x‖`, or nil when the norm is zero or not finite.
    public static func unitVector(_ x: some Collection<Scalar>) -> [Scalar]? {
        let x = Array(x)
        var y = x
        let norm = x.withUnsafeBufferPointer { source in
            y.withUnsafeMutableBufferPointer { normalize(source, into: $0) }
        }
        return norm > 0 && norm.isFinite ? y : nil
    }

    /// Scales every row of `matrix` to unit norm; zero and non-finite rows become zeros.
    /// - Complexity: O(rows × columns).
    public static func normalizeRows(_ matrix: inout RowMatrix) {
        let columns = matrix.columns
        guard columns > 0 else { return }
        matrix.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            for r in 0 ..< buffer.count / columns {
                let row = UnsafeMutableBufferPointer(start: base + r * columns, count: columns)
                normalize(UnsafeBufferPointer(row), into: row)
            }
        }
    }
}
