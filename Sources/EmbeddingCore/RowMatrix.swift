#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A dense row-major `rows × columns` matrix of ``Scalar`` with value semantics.
///
/// Storage is one block (`malloc`, or from 64 MiB an `mmap` marked for huge pages) so that a
/// reader can grow it in place (`realloc`, `mremap`: pages move, bytes are not copied, keeping
/// peak memory near the final matrix size) and fill it without zero-initialising first.
/// Element `(i, j)` lives at `i * columns + j`, as in fastText's `DenseMatrix::at`.
///
/// Why not `Tensor.Matrix`: that type is a `[Scalar]` for the network's values, which its
/// kernels address as (array, offset) pairs; an array can neither grow by remapping pages nor
/// skip zero-filling, and a table of gigabytes loaded into one would need a copy at its peak.
/// Conversely, the network's code is written against arrays. Each type fits one job; converting
/// between them (when training reads targets from a table) is an explicit row copy.
public struct RowMatrix: Sendable {
    @usableFromInline var _storage: _Storage

    /// Number of rows.
    public private(set) var rows: Int
    /// Number of columns (the vector dimension).
    public let columns: Int

    /// A zero-filled matrix. - Complexity: O(rows × columns).
    public init(rows: Int, columns: Int) {
        precondition(rows >= 0 && columns >= 0, "negative matrix shape")
        _storage = _Storage(capacityRows: rows, columns: columns)
        self.rows = rows
        self.columns = columns
        if rows * columns > 0 { _storage.pointer.initialize(repeating: 0, count: rows * columns) }
    }

    /// A matrix from row-major values; `values.count` must be `rows * columns`.
    public init(rows: Int, columns: Int, values: [Scalar]) {
        precondition(values.count == rows * columns, "values.count \(values.count) != \(rows) × \(columns)")
        _storage = _Storage(capacityRows: rows, columns: columns)
        self.rows = rows
        self.columns = columns
        values.withUnsafeBufferPointer { src in
            if let base = src.baseAddress { _storage.pointer.update(from: base, count: values.count) }
        }
    }

    /// An empty matrix with room for `capacityRows` rows before it reallocates.
    public init(columns: Int, reservingRows capacityRows: Int) {
        precondition(columns >= 0 && capacityRows >= 0)
        _storage = _Storage(capacityRows: capacityRows, columns: columns)
        self.rows = 0
        self.columns = columns
    }

    /// Number of scalars, `rows * columns`.
    @inlinable public var count: Int { rows * columns }

    /// Rows the storage can hold without reallocating.
    public var capacityRows: Int { _storage.capacityRows }

    public subscript(row: Int, column: Int) -> Scalar {
        get {
            precondition(row >= 0 && row < rows && column >= 0 && column < columns, "index out of range")
            return _storage.pointer[row * columns + column]
        }
        set {
            precondition(row >= 0 && row < rows && column >= 0 && column < columns, "index out of range")
            _makeUnique()
            _storage.pointer[row * columns + column] = newValue
        }
    }

    /// A copy of row `i`. - Complexity: O(columns).
    public func row(_ i: Int) -> [Scalar] {
        precondition(i >= 0 && i < rows, "row \(i) out of range 0..<\(rows)")
        return Array(UnsafeBufferPointer(start: _storage.pointer + i * columns, count: columns))
    }

    /// Calls `body` with row `i` without copying.
    @inlinable
    public func withRow<R>(_ i: Int, _ body: (UnsafeBufferPointer<Scalar>) throws -> R) rethrows -> R {
        precondition(i >= 0 && i < rows, "row \(i) out of range 0..<\(rows)")
        return try withExtendedLifetime(_storage) {
            try body(UnsafeBufferPointer(start: _storage.pointer + i * columns, count: columns))
        }
    }

    /// Calls `body` with all `rows * columns` scalars, row-major.
    @inlinable
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Scalar>) throws -> R) rethrows -> R {
        try withExtendedLifetime(_storage) {
            try body(UnsafeBufferPointer(start: _storage.pointer, count: count))
        }
    }

    /// Calls `body` with mutable access to all `rows * columns` scalars, row-major.
    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (UnsafeMutableBufferPointer<Scalar>) throws -> R
    ) rethrows -> R {
        _makeUnique()
        return try withExtendedLifetime(_storage) {
            try body(UnsafeMutableBufferPointer(start: _storage.pointer, count: count))
        }
    }

    /// Appends `n` uninitialised rows and lets `body` fill them (row-major, `n * columns` scalars).
    /// Growth is geometric. - Complexity: amortised O(n × columns).
    public mutating func appendRows<R>(
        _ n: Int, _ body: (UnsafeMutableBufferPointer<Scalar>) throws -> R
    ) rethrows -> R {
        precondition(n >= 0)
        _makeUnique()
        reserveRows(rows + n)
        let start = _storage.pointer + rows * columns
        let result = try body(UnsafeMutableBufferPointer(start: start, count: n * columns))
        rows += n
        return result
    }

    /// Makes room for `n` more rows and returns where the first starts, for a reader to fill
    /// in place (no zeroing, no copy). Call ``_commitRows(_:)`` with how many were filled.
    public mutating func _uninitializedRows(_ n: Int) -> UnsafeMutablePointer<Scalar> {
        _makeUnique()
        reserveRows(rows + n)
        return _storage.pointer + rows * columns
    }

    /// Counts `n` rows filled through ``_uninitializedRows(_:)`` as part of the matrix.
    public mutating func _commitRows(_ n: Int) {
        precondition(n >= 0 && rows + n <= _storage.capacityRows)
        rows += n
    }

    /// Appends one row. - Complexity: amortised O(columns).
    public mutating func appendRow(_ values: some Collection<Scalar>) {
        precondition(values.count == columns, "row has \(values.count) values, matrix has \(columns) columns")
        appendRows(1) { buffer in _ = buffer.initialize(from: values) }
    }

    /// Ensures room for `capacity` rows (geometric growth through `realloc`).
    public mutating func reserveRows(_ capacity: Int) {
        _makeUnique()
        if capacity > _storage.capacityRows {
            _storage.grow(toAtLeast: max(capacity, _storage.capacityRows + _storage.capacityRows / 2))
        }
    }

    /// Drops rows past `newRows` (keeps the allocation).
    public mutating func truncateRows(to newRows: Int) {
        precondition(newRows >= 0 && newRows <= rows)
        rows = newRows
    }

    /// Returns storage beyond `rows` to the system.
    public mutating func shrinkToFit() {
        _makeUnique()
        if _storage.capacityRows > rows { _storage.resize(to: rows) }
    }

    @usableFromInline mutating func _makeUnique() {
        if !isKnownUniquelyReferenced(&_storage) {
            _storage = _storage.copy(rows: rows)
        }
    }

    @usableFromInline
    final class _Storage: @unchecked Sendable {
        @usableFromInline var pointer: UnsafeMutablePointer<Scalar>
        var capacityRows: Int
        let columns: Int
        /// Bytes mapped with `mmap` (large matrices), or 0 when the block came from `malloc`.
        var mappedBytes = 0

        /// Blocks at least this large are mapped directly and marked for transparent huge
        /// pages: a 1.2 GB table then takes ~600 page faults instead of ~300,000.
        static let mapThreshold = 64 << 20

        init(capacityRows: Int, columns: Int) {
            self.capacityRows = capacityRows
            self.columns = columns
            let bytes = max(1, capacityRows * columns * MemoryLayout<Scalar>.stride)
            if bytes >= Self.mapThreshold, let mapped = Self.map(bytes) {
                pointer = mapped.bindMemory(to: Scalar.self, capacity: capacityRows * columns)
                mappedBytes = Self.roundedToPages(bytes)
                return
            }
            guard let raw = malloc(bytes) else { fatalError("out of memory allocating \(bytes) bytes") }
            pointer = raw.bindMemory(to: Scalar.self, capacity: max(1, capacityRows * columns))
        }

        static func roundedToPages(_ bytes: Int) -> Int { (bytes + (2 << 20) - 1) & ~((2 << 20) - 1) }

        static func map(_ bytes: Int) -> UnsafeMutableRawPointer? {
            let length = roundedToPages(bytes)
            let raw = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
            guard let raw, raw != MAP_FAILED else { return nil }
            _ = madvise(raw, length, 14) // MADV_HUGEPAGE (advisory; ignored where unsupported)
            return raw
        }

        func grow(toAtLeast newCapacity: Int) { resize(to: newCapacity) }

        func resize(to newCapacity: Int) {
            let bytes = max(1, newCapacity * columns * MemoryLayout<Scalar>.stride)
            if mappedBytes > 0 {
                let length = Self.roundedToPages(bytes)
                guard let raw = VirtualMemory.remap(pointer, from: mappedBytes, to: length) else {
                    fatalError("out of memory growing to \(bytes) bytes")
                }
                _ = madvise(raw, length, 14)
                pointer = raw.bindMemory(to: Scalar.self, capacity: newCapacity * columns)
                mappedBytes = length
                capacityRows = newCapacity
                return
            }
            if bytes >= Self.mapThreshold, let mapped = Self.map(bytes) {
                mapped.copyMemory(from: pointer, byteCount: min(bytes, capacityRows * columns * MemoryLayout<Scalar>.stride))
                free(pointer)
                pointer = mapped.bindMemory(to: Scalar.self, capacity: newCapacity * columns)
                mappedBytes = Self.roundedToPages(bytes)
                capacityRows = newCapacity
                return
            }
            guard let raw = realloc(pointer, bytes) else { fatalError("out of memory growing to \(bytes) bytes") }
            pointer = raw.bindMemory(to: Scalar.self, capacity: max(1, newCapacity * columns))
            capacityRows = newCapacity
        }

        func copy(rows: Int) -> _Storage {
            let new = _Storage(capacityRows: max(rows, 1), columns: columns)
            new.pointer.update(from: pointer, count: rows * columns)
            return new
        }

        deinit {
            if mappedBytes > 0 { munmap(pointer, mappedBytes) } else { free(pointer) }
        }
    }
}

extension RowMatrix: Equatable {
    /// Bitwise-by-value equality (NaN ≠ NaN, as for `Float`).
    public static func == (lhs: RowMatrix, rhs: RowMatrix) -> Bool {
        guard lhs.rows == rhs.rows, lhs.columns == rhs.columns else { return false }
        return lhs.withUnsafeBufferPointer { a in rhs.withUnsafeBufferPointer { b in a.elementsEqual(b) } }
    }

    /// True when every scalar has the same bit pattern (NaN payloads included).
    public func isBitIdentical(to other: RowMatrix) -> Bool {
        guard rows == other.rows, columns == other.columns else { return false }
        return withUnsafeBufferPointer { a in
            other.withUnsafeBufferPointer { b in
                a.count == 0 || memcmp(a.baseAddress!, b.baseAddress!, a.count * MemoryLayout<Scalar>.stride) == 0
            }
        }
    }
}
