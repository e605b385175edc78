/// A dense row-major `rows × columns` matrix of ``Scalar`` with value semantics.
///
/// Element `(i, j)` lives at `storage[i * columns + j]` (fastText's `DenseMatrix::at`).
/// The storage is a plain `[Scalar]`, so copies are copy-on-write and kernels reach it
/// through `withUnsafe…BufferPointer` without the pointer escaping.
///
/// Why not `EmbeddingCore.RowMatrix`: that type is the embedding table's storage, built to grow
/// in place while a file of gigabytes loads (mmap, mremap, huge pages, no zero fill). Network
/// values are small, re-created every batch and passed to the kernels as arrays with offsets,
/// which `[Scalar]` gives for free; Tensor also does not depend on the table module.
public struct Matrix: Sendable, Equatable {
    /// Number of rows.
    public private(set) var rows: Int
    /// Number of columns.
    public private(set) var columns: Int
    /// Row-major scalars, `rows * columns` of them.
    public var storage: [Scalar]

    /// A zero-filled matrix. - Complexity: O(rows × columns).
    public init(rows: Int, columns: Int) {
        precondition(rows >= 0 && columns >= 0, "negative matrix shape \(rows) × \(columns)")
        self.rows = rows
        self.columns = columns
        storage = [Scalar](repeating: 0, count: rows * columns)
    }

    /// A matrix over row-major `values`; `values.count` must be `rows * columns`.
    public init(rows: Int, columns: Int, values: [Scalar]) {
        precondition(values.count == rows * columns, "values.count \(values.count) != \(rows) × \(columns)")
        self.rows = rows
        self.columns = columns
        storage = values
    }

    /// Number of scalars, `rows * columns`.
    @inlinable public var count: Int { storage.count }

    public subscript(row: Int, column: Int) -> Scalar {
        @inline(__always) get {
            precondition(column >= 0 && column < columns, "column \(column) out of range 0..<\(columns)")
            return storage[row * columns + column]
        }
        @inline(__always) set {
            precondition(column >= 0 && column < columns, "column \(column) out of range 0..<\(columns)")
            storage[row * columns + column] = newValue
        }
    }

    /// A copy of row `i`. - Complexity: O(columns).
    public func row(_ i: Int) -> [Scalar] {
        precondition(i >= 0 && i < rows, "row \(i) out of range 0..<\(rows)")
        return Array(storage[i * columns ..< (i + 1) * columns])
    }

    /// Reshapes without copying; the element count must not change.
    public func reshaped(rows newRows: Int, columns newColumns: Int) -> Matrix {
        Matrix(rows: newRows, columns: newColumns, values: storage)
    }
}
