/// A word-embedding table: the vocabulary in file order and one contiguous
/// row-major `count × dimensions` matrix of ``Scalar``.
///
/// Row `i` of ``matrix`` is the vector of ``vocabulary``[i]. Duplicated words and
/// non-finite values are kept as they were read; `charvec audit` reports them.
public struct EmbeddingTable: Sendable, Equatable {
    public var vocabulary: Vocabulary
    public var matrix: RowMatrix

    public init(vocabulary: Vocabulary, matrix: RowMatrix) {
        precondition(vocabulary.count == matrix.rows,
                     "vocabulary has \(vocabulary.count) words but the matrix \(matrix.rows) rows")
        self.vocabulary = vocabulary
        self.matrix = matrix
    }

    /// An empty table of the given dimension.
    public init(dimensions: Int) {
        self.vocabulary = Vocabulary()
        self.matrix = RowMatrix(columns: dimensions, reservingRows: 0)
    }

    /// Number of rows (words, duplicates included).
    public var count: Int { matrix.rows }
    /// Vector dimension.
    public var dimensions: Int { matrix.columns }

    /// A copy of the vector of `word` (first occurrence), or nil.
    public func vector(for word: String) -> [Scalar]? {
        vocabulary.index(of: word).map { matrix.row($0) }
    }

    /// Appends a word and its vector.
    public mutating func append(_ word: String, _ vector: some Collection<Scalar>) {
        precondition(vector.count == dimensions, "vector has \(vector.count) values, table has \(dimensions)")
        vocabulary.append(word)
        matrix.appendRow(vector)
    }

    /// The first `n` rows.
    public func prefix(_ n: Int) -> EmbeddingTable {
        let n = min(n, count)
        var vocabulary = Vocabulary()
        var matrix = RowMatrix(columns: dimensions, reservingRows: n)
        for i in 0 ..< n {
            self.vocabulary.bytes(at: i).withUnsafeBytes { _ = vocabulary.append(bytes: $0) }
            self.matrix.withRow(i) { matrix.appendRow($0) }
        }
        return EmbeddingTable(vocabulary: vocabulary, matrix: matrix)
    }

    public static func == (lhs: EmbeddingTable, rhs: EmbeddingTable) -> Bool {
        lhs.vocabulary == rhs.vocabulary && lhs.matrix == rhs.matrix
    }
}
