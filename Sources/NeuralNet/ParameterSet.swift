import Tensor

/// Where each named parameter tensor lives inside one flat `[Scalar]` buffer.
///
/// As in llm.c's `malloc_and_point_parameters`, all tensors of a model share one allocation,
/// so Adam, clipping, the non-finite guard, serialisation and gradient checks each run one
/// loop over `values` instead of walking a tree of layers.
public struct ParameterLayout: Sendable, Equatable, Codable {
    /// One tensor: a `rows × columns` row-major block at `offset`.
    public struct Entry: Sendable, Equatable, Codable {
        public let name: String
        public let rows: Int
        public let columns: Int
        public let offset: Int
        public var count: Int { rows * columns }
        public var range: Range<Int> { offset ..< offset + count }
    }

    public private(set) var entries: [Entry] = []
    /// Total number of scalars over all entries.
    public private(set) var scalarCount = 0

    public init() {}

    /// Appends a `rows × columns` tensor named `name` (names must be unique) and returns its entry.
    @discardableResult
    public mutating func add(_ name: String, rows: Int, columns: Int) -> Entry {
        precondition(rows > 0 && columns > 0, "parameter \(name) has empty shape \(rows) × \(columns)")
        precondition(!entries.contains { $0.name == name }, "duplicate parameter name \(name)")
        let entry = Entry(name: name, rows: rows, columns: columns, offset: scalarCount)
        entries.append(entry)
        scalarCount += entry.count
        return entry
    }

    /// The entry called `name`, if any.
    public func entry(named name: String) -> Entry? { entries.first { $0.name == name } }

    /// The entry whose range holds flat index `index`. - Complexity: O(log entries).
    public func entry(containing index: Int) -> Entry {
        precondition(index >= 0 && index < scalarCount, "flat index \(index) out of range 0..<\(scalarCount)")
        var lo = 0, hi = entries.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if entries[mid].offset <= index { lo = mid } else { hi = mid - 1 }
        }
        return entries[lo]
    }
}

/// A set of named tensors with a flat view: model parameters, their gradients, optimiser moments.
///
/// Gradients have the same type as parameters, so every whole-model algorithm (optimiser step,
/// global-norm clipping, non-finite scan, checkpointing, finite-difference checks) is written once
/// against this protocol.
public protocol ParameterSet {
    /// Names, shapes and offsets of the tensors in ``values``.
    var layout: ParameterLayout { get }
    /// All scalars, tensor after tensor in ``layout`` order.
    var values: [Scalar] { get set }
}

extension ParameterSet {
    /// Number of scalars.
    public var scalarCount: Int { values.count }

    /// The tensor `entry` as a matrix (a copy).
    public func tensor(_ entry: ParameterLayout.Entry) -> Matrix {
        Matrix(rows: entry.rows, columns: entry.columns, values: Array(values[entry.range]))
    }

    /// The tensor called `name` (a copy); traps if there is none.
    public func tensor(named name: String) -> Matrix {
        guard let entry = layout.entry(named: name) else { preconditionFailure("no parameter named \(name)") }
        return tensor(entry)
    }

    /// Replaces tensor `entry` with `matrix` (same shape).
    public mutating func setTensor(_ entry: ParameterLayout.Entry, _ matrix: Matrix) {
        precondition(matrix.rows == entry.rows && matrix.columns == entry.columns,
                     "\(entry.name) is \(entry.rows) × \(entry.columns), got \(matrix.rows) × \(matrix.columns)")
        values.replaceSubrange(entry.range, with: matrix.storage)
    }

    /// Sets every scalar to zero (start of a step, as llm.c's `gpt2_zero_grad`).
    public mutating func zero() { Kernels.zero(&values, 0, count: values.count) }

    /// `self += alpha · other` (same layout).
    public mutating func add(_ other: some ParameterSet, scaledBy alpha: Scalar = 1) {
        precondition(other.layout == layout, "parameter layouts differ")
        Kernels.axpy(alpha, other.values, 0, &values, 0, count: values.count)
    }

    /// Euclidean norm over all scalars (accumulated in Double).
    public var globalNorm: Double { Kernels.sumOfSquares(values, 0, count: values.count).squareRoot() }
}

/// The concrete parameter set: a layout plus one flat buffer.
public struct FlatParameters: ParameterSet, Sendable, Equatable {
    public let layout: ParameterLayout
    public var values: [Scalar]

    /// Zero-filled parameters for `layout`.
    public init(layout: ParameterLayout) {
        self.layout = layout
        values = [Scalar](repeating: 0, count: layout.scalarCount)
    }

    /// Parameters with given flat values (e.g. read from a checkpoint); counts must match.
    public init(layout: ParameterLayout, values: [Scalar]) {
        precondition(values.count == layout.scalarCount,
                     "expected \(layout.scalarCount) scalars for this layout, got \(values.count)")
        self.layout = layout
        self.values = values
    }
}
