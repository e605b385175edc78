import EmbeddingCore

/// How the array formats store values.
public enum ValuePrecision: String, Sendable, CaseIterable {
    /// IEEE 754 binary32, exactly the table's values.
    case float32 = "f32"
    /// IEEE 754 binary16 (round to nearest even, as numpy's `astype(float16)`): half the size,
    /// about 3 significant digits; magnitudes above 65504 become ±infinity.
    case float16 = "f16"

    /// Bytes per stored value.
    public var byteWidth: Int { self == .float32 ? 4 : 2 }
}

/// How well float16 values reconstruct the rows they were rounded from.
public struct PrecisionReport: Sendable, Equatable {
    /// Mean over rows of cos(row, float16(row)), computed in double precision.
    public var meanCosine: Double
    /// The smallest cosine, and its row.
    public var minimumCosine: Double
    public var minimumRow: Int
    /// Rows left out of the cosines: all-zero or non-finite rows (no direction).
    public var skippedRows: Int
    /// Finite values whose magnitude is too large for float16 (they became ±infinity).
    public var overflowedValues: Int

    /// Compares each row of `matrix` with its float16 rounding.
    /// - Complexity: O(rows × columns).
    public static func measure(_ matrix: RowMatrix) -> PrecisionReport {
        var sum = 0.0, minimum = Double.infinity, minimumRow = -1, skipped = 0, overflowed = 0, counted = 0
        for row in 0 ..< matrix.rows {
            matrix.withRow(row) { values in
                var dot = 0.0, a2 = 0.0, b2 = 0.0, finite = true
                for v in values {
                    guard v.isFinite else { finite = false; continue }
                    let h = Float(Float16(v))
                    if !h.isFinite { overflowed += 1; finite = false; continue }
                    dot += Double(v) * Double(h)
                    a2 += Double(v) * Double(v)
                    b2 += Double(h) * Double(h)
                }
                guard finite, a2 > 0, b2 > 0 else { skipped += 1; return }
                let cosine = min(1, dot / (a2.squareRoot() * b2.squareRoot()))
                sum += cosine
                counted += 1
                if cosine < minimum { minimum = cosine; minimumRow = row }
            }
        }
        return PrecisionReport(meanCosine: counted == 0 ? .nan : sum / Double(counted),
                               minimumCosine: counted == 0 ? .nan : minimum, minimumRow: minimumRow,
                               skippedRows: skipped, overflowedValues: overflowed)
    }
}
