import EmbeddingIO
import Foundation
import TestSupport
import XCTest

/// The batch destination of callers that do not keep the values owns its memory (no pointer
/// taken out of `withUnsafeMutableBufferPointer`), and holds batches of any size.
final class ScratchBufferTests: XCTestCase {
    func testGrowsAndKeepsThePointerWhileLargeEnough() {
        let scratch = ScratchBuffer()
        let small = scratch.pointer(count: 4)
        XCTAssertEqual(scratch.capacity, 4)
        XCTAssertEqual((0 ..< 4).map { small[$0] }, [0, 0, 0, 0])
        small[3] = 7
        XCTAssertEqual(scratch.pointer(count: 2), small)
        let large = scratch.pointer(count: 10_000)
        XCTAssertEqual(scratch.capacity, 10_000)
        large[9_999] = 1
        XCTAssertEqual(large[9_999], 1)
    }

    func testBatchesLargerThanAFixedBufferAreReadWhole() throws {
        // 3000 rows × 8 values: far more than the 4,096 floats a fixed buffer once held.
        let directory = try Fixtures.temporaryDirectory()
        var text = "3000 8\n"
        for row in 0 ..< 3000 { text += "w\(row)" + String(repeating: " \(row % 97)", count: 8) + "\n" }
        let file = try Fixtures.write(text, named: "big.vec", in: directory)
        let reader = try EmbeddingRecordReader(path: file)
        let scratch = ScratchBuffer()
        var rows = 0, last: Float = -1
        while try reader.readBatch(destination: { scratch.pointer(count: $0 * reader.dimensions) }, { batch in
            rows += batch.count
            last = batch.values(batch.count - 1)[7]
        }) {}
        XCTAssertEqual(rows, 3000)
        XCTAssertEqual(last, Float(2999 % 97))
    }
}
