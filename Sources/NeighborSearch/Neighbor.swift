import EmbeddingCore

/// One search result: a row of the indexed matrix and its cosine similarity to the query.
public struct Neighbor: Hashable, Sendable, CustomStringConvertible {
    /// Row index into the matrix the index was built from.
    public var row: Int
    /// Cosine similarity in [-1, 1] (for 3CosMul: the multiplicative objective).
    public var score: Scalar

    public init(row: Int, score: Scalar) {
        self.row = row
        self.score = score
    }

    /// Result order: higher score first; equal scores by lower row, so results are deterministic.
    @inline(__always)
    public func ranksBefore(_ other: Neighbor) -> Bool {
        score > other.score || (score == other.score && row < other.row)
    }

    public var description: String { "\(row):\(score)" }
}
