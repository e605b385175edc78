import Tensor

/// The state of an ``NgramTable`` and its ``SparseAdam`` at a mark, kept as an undo journal: each
/// row is saved (value and both moments) the first time a step is about to change it, so a mark
/// costs nothing and a restore writes back only the rows changed since.
///
/// A full copy of a large table and its moments at every mark (3 × buckets × D scalars) costs far
/// more than the steps between two marks touch.
public struct SparseTableJournal: Sendable {
    let dimensions: Int
    /// Per table row, its position in ``rows``, or −1.
    var slot: [Int32]
    var rows: [Int32] = []
    /// Per saved row: its D values, first moments and second moments.
    var saved: [Scalar] = []
    var adamStep = 0

    public init(buckets: Int, dimensions: Int) {
        self.dimensions = dimensions
        slot = [Int32](repeating: -1, count: buckets)
    }

    /// Rows saved since the mark.
    public var savedRows: Int { rows.count }

    /// Makes the current state the one ``restore(_:adam:)`` returns to. - Complexity: O(saved rows).
    public mutating func mark(adam: SparseAdam) {
        for r in rows { slot[Int(r)] = -1 }
        rows.removeAll(keepingCapacity: true)
        saved.removeAll(keepingCapacity: true)
        adamStep = adam.step
    }

    /// Saves the rows of `gradient` not saved since the mark; call before `adam.update(&table, gradient:)`.
    /// - Complexity: O(new rows × D).
    public mutating func record(_ gradient: SparseRowGradient, table: NgramTable, adam: SparseAdam) {
        let d = dimensions
        precondition(table.dimensions == d && table.values.count == slot.count * d, "journal does not match the table")
        for row in gradient.rows where slot[Int(row)] < 0 {
            slot[Int(row)] = Int32(rows.count)
            rows.append(row)
            let base = Int(row) * d
            saved.append(contentsOf: table.values[base ..< base + d])
            saved.append(contentsOf: adam.firstMoment[base ..< base + d])
            saved.append(contentsOf: adam.secondMoment[base ..< base + d])
        }
    }

    /// Writes the saved rows back (the table and optimiser as they were at the mark) and marks again.
    /// - Complexity: O(saved rows × D).
    public mutating func restore(_ table: inout NgramTable, adam: inout SparseAdam) {
        let d = dimensions
        for (k, row) in rows.enumerated() {
            let base = Int(row) * d, from = k * 3 * d
            table.values.replaceSubrange(base ..< base + d, with: saved[from ..< from + d])
            adam.firstMoment.replaceSubrange(base ..< base + d, with: saved[from + d ..< from + 2 * d])
            adam.secondMoment.replaceSubrange(base ..< base + d, with: saved[from + 2 * d ..< from + 3 * d])
        }
        adam.step = adamStep
        mark(adam: adam)
    }
}
