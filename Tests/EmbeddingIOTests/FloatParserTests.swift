import EmbeddingCore
import EmbeddingIO
import Foundation
import XCTest

final class FloatParserTests: XCTestCase {
    func strtofValue(_ s: String) -> Float? {
        s.withCString { pointer -> Float? in
            var end: UnsafeMutablePointer<CChar>? = nil
            let v = strtof(pointer, &end)
            return end! - UnsafeMutablePointer(mutating: pointer) == strlen(pointer) ? v : nil
        }
    }

    func testShortestFormsRoundTripBitExactly() {
        var generator = SplitMix64(seed: 42)
        for _ in 0 ..< 200_000 {
            let bits = UInt32(truncatingIfNeeded: generator.next())
            let value = Float(bitPattern: bits)
            guard value.isFinite else { continue }
            let parsed = FloatParser.parse(value.description)
            XCTAssertEqual(parsed?.bitPattern, value.bitPattern, value.description)
        }
    }

    func testDecimalStringsAgreeWithStrtof() {
        var generator = SplitMix64(seed: 7)
        for _ in 0 ..< 200_000 {
            let digits = Int(generator.next() % 12) + 1
            var s = generator.next() % 2 == 0 ? "-" : ""
            var mantissa = ""
            for _ in 0 ..< digits { mantissa += String(generator.next() % 10) }
            let point = Int(generator.next() % UInt64(digits + 1))
            s += mantissa.prefix(point) + "." + mantissa.dropFirst(point)
            if generator.next() % 3 == 0 { s += "e\(Int(generator.next() % 80) - 40)" }
            XCTAssertEqual(FloatParser.parse(s)?.bitPattern, strtofValue(s)?.bitPattern, s)
        }
        // Halfway cases and long mantissas go through the exact fallback.
        for s in ["16777217", "16777219", "0.000000000000000000000000000000000000011754944", "3.4028235e38", "3.5e38",
                  "1e-46", "123456789012345678901234567890", "0.1000000000000000055511151231257827", "1.00000005960464477539"] {
            XCTAssertEqual(FloatParser.parse(s)?.bitPattern, strtofValue(s)?.bitPattern, s)
        }
    }

    func testRejectsNonNumbers() {
        for s in ["", "-", ".", "e5", "1e", "1.2.3", "abc", "1,5", "0x1p3", " 1", "1 "] {
            XCTAssertNil(FloatParser.parse(s), s)
        }
        XCTAssertEqual(FloatParser.parse("nan")?.isNaN, true)
        XCTAssertEqual(FloatParser.parse("-inf"), -.infinity)
        XCTAssertEqual(FloatParser.parse("Infinity"), .infinity)
        XCTAssertEqual(FloatParser.parse("-0")?.bitPattern, (-0.0 as Float).bitPattern)
        XCTAssertEqual(FloatParser.parse("+1.5E+2"), 150)
    }
}
