import CharvecRuntime
import NeuralNet
import Tensor

/// How a model file stores its subword head's table. A bag fit starts every row from seeded noise
/// (``NgramBaseline/startValues(count:seed:)``) and only moves the rows of grams it sees, so on a
/// typical table about half of the rows still hold their start values. Those rows are not stored:
/// the file keeps a bitmap of the stored rows and their values, and reading regenerates the rest
/// from the seed. The result is the same table bit for bit.
struct HeadRows: Codable, Equatable {
    /// Seed of the start values (as in ``NgramBaseline/Settings/seed``).
    var startSeed: UInt64
    /// Rows stored in the file (set bits of the bitmap).
    var storedRows: Int

    /// The largest table stored by rows (2 GiB of floats). Reading regenerates the whole table
    /// from a header, so this bounds what a damaged or hostile file can make charvec allocate;
    /// larger tables are stored whole.
    static let maxValues = 1 << 29

    /// The bitmap (bit r of word r/32 set = row r stored; words kept as the bit patterns of
    /// floats, since the container holds float arrays) and the stored rows' values, or nil when
    /// fewer than a tenth of the rows could be left out or the table is larger than ``maxValues``
    /// (it is then stored whole).
    /// - Complexity: O(rows × D) plus regenerating the start values.
    static func encode(_ values: [Scalar], dimensions d: Int, startSeed: UInt64) -> (HeadRows, bitmap: [Scalar], stored: [Scalar])? {
        precondition(d > 0 && values.count % d == 0, "table must be [rows × \(d)]")
        let rows = values.count / d
        guard values.count <= Self.maxValues else { return nil }
        let start = NgramBaseline.startValues(count: values.count, seed: startSeed)
        var words = [UInt32](repeating: 0, count: (rows + 31) / 32)
        var storedRows = 0
        for r in 0 ..< rows where (r * d ..< (r + 1) * d).contains(where: { values[$0].bitPattern != start[$0].bitPattern }) {
            words[r / 32] |= Self.bit(r)
            storedRows += 1
        }
        guard storedRows <= rows - rows / 10 else { return nil }
        var stored = [Scalar]()
        stored.reserveCapacity(storedRows * d)
        for r in 0 ..< rows where words[r / 32] & Self.bit(r) != 0 {
            stored.append(contentsOf: values[r * d ..< (r + 1) * d])
        }
        return (HeadRows(startSeed: startSeed, storedRows: storedRows), words.map { Scalar(bitPattern: $0) }, stored)
    }

    /// The whole `[rows × D]` table from ``encode(_:dimensions:startSeed:)``'s parts, or the reason
    /// they disagree with each other or with this header (checked before anything is allocated).
    func decode(bitmap: [Scalar], stored: [Scalar], rows: Int, dimensions d: Int) -> Result<[Scalar], HeadRowsError> {
        let (count, overflow) = rows.multipliedReportingOverflow(by: d)
        guard !overflow, count <= Self.maxValues else {
            return .failure(HeadRowsError("a table of \(rows) × \(d) values is larger than a table stored by rows can be (\(Self.maxValues))"))
        }
        guard bitmap.count == (rows + 31) / 32 else {
            return .failure(HeadRowsError("expected a row bitmap of \((rows + 31) / 32) words, found \(bitmap.count)"))
        }
        let words = bitmap.map(\.bitPattern)
        let spare = rows % 32 == 0 ? 0 : words[rows / 32] >> UInt32(rows % 32)
        let set = words.reduce(0) { $0 + $1.nonzeroBitCount } - spare.nonzeroBitCount
        guard set == storedRows, spare == 0 else {
            return .failure(HeadRowsError("the row bitmap marks \(set) rows (and \(spare.nonzeroBitCount) past the end), the header \(storedRows)"))
        }
        guard stored.count == storedRows * d else {
            return .failure(HeadRowsError("expected \(storedRows) stored rows of \(d) values, found \(stored.count) values"))
        }
        var values = NgramBaseline.startValues(count: rows * d, seed: startSeed)
        var next = 0
        for r in 0 ..< rows where words[r / 32] & Self.bit(r) != 0 {
            values.replaceSubrange(r * d ..< (r + 1) * d, with: stored[next * d ..< (next + 1) * d])
            next += 1
        }
        return .success(values)
    }

    /// Row r's bit in word r / 32 of the bitmap.
    @inline(__always) static func bit(_ r: Int) -> UInt32 { 1 << UInt32(r % 32) }
}

struct HeadRowsError: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}
