import EmbeddingCore
import XCTest

/// The row-major table behind every embedding: growth, copy-on-write and row access.
final class RowMatrixTests: XCTestCase {
    func testAppendingGrowsGeometricallyAndKeepsEveryRow() {
        var m = RowMatrix(columns: 3, reservingRows: 2)
        var capacities: Set<Int> = []
        for i in 0 ..< 1000 {
            m.appendRow([Float(i), Float(-i), Float(i) / 2])
            capacities.insert(m.capacityRows)
        }
        XCTAssertEqual(m.rows, 1000)
        XCTAssertEqual(m.count, 3000)
        XCTAssertLessThan(capacities.count, 20, "growth is geometric, not one row at a time")
        for i in [0, 1, 499, 999] { XCTAssertEqual(m.row(i), [Float(i), Float(-i), Float(i) / 2]) }
        XCTAssertEqual(m[7, 1], -7)
    }

    func testAppendRowsFillsInPlaceAndTruncateShrinkKeepValues() {
        var m = RowMatrix(rows: 2, columns: 2, values: [1, 2, 3, 4])
        m.appendRows(3) { buffer in for k in buffer.indices { buffer[k] = Float(10 + k) } }
        XCTAssertEqual(m.rows, 5)
        XCTAssertEqual(m.row(2), [10, 11])
        XCTAssertEqual(m.row(4), [14, 15])
        m.truncateRows(to: 3)
        XCTAssertEqual(m.rows, 3)
        m.shrinkToFit()
        XCTAssertEqual(m.capacityRows, 3)
        XCTAssertEqual(m.withUnsafeBufferPointer { Array($0) }, [1, 2, 3, 4, 10, 11])
    }

    func testCopiesAreIndependent() {
        var a = RowMatrix(rows: 2, columns: 2, values: [1, 2, 3, 4])
        var b = a
        b.withUnsafeMutableBufferPointer { $0[0] = 99 }
        XCTAssertEqual(a.row(0), [1, 2], "writing a copy must not change the original")
        a.appendRow([5, 6])
        XCTAssertEqual(b.rows, 2)
        XCTAssertEqual(b.row(0), [99, 2])
        XCTAssertNotEqual(a, b)
        XCTAssertTrue(a.isBitIdentical(to: a))
    }

    func testZeroColumnAndEmptyMatrices() {
        var m = RowMatrix(rows: 0, columns: 4)
        XCTAssertEqual(m.count, 0)
        m.reserveRows(10)
        XCTAssertGreaterThanOrEqual(m.capacityRows, 10)
        XCTAssertEqual(m.rows, 0)
        m.shrinkToFit()
        XCTAssertEqual(m.rows, 0)
    }
}
