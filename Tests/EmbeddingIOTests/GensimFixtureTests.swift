import EmbeddingCore
import EmbeddingIO
import Foundation
import TestSupport
import XCTest

/// Every file in ../shared/data/fixtures must load to exactly what gensim 4.4.0 reads.
final class GensimFixtureTests: XCTestCase {
    func testEveryFixtureMatchesGensim() throws {
        guard let shared = Fixtures.sharedData else { throw XCTSkip(Fixtures.sharedDataMissing) }
        let folder = shared.appendingPathComponent("fixtures")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".expected.json") }.sorted()
        XCTAssertGreaterThanOrEqual(names.count, 12)
        for name in names {
            let expected = try JSONSerialization.jsonObject(
                with: Data(contentsOf: folder.appendingPathComponent(name))) as! [String: Any]
            let file = folder.appendingPathComponent(String(name.dropLast(".expected.json".count))).path
            let hasInvalidUTF8 = expected["invalid_utf8_rows"] != nil
            let options = ReadOptions(unicodeErrors: hasInvalidUTF8 ? .replace : .strict)
            let (table, report) = try EmbeddingReader.load(file, options: options)
            let context = "fixture \(name)"
            let format = expected["format"] as! String
            XCTAssertEqual(report.format.rawValue, format, context)
            XCTAssertEqual(table.count, expected["count"] as! Int, context)
            XCTAssertEqual(table.dimensions, expected["dim"] as! Int, context)
            for (i, row) in (expected["first"] as! [[String: Any]]).enumerated() {
                XCTAssertEqual(table.vocabulary[i], row["word"] as! String, "\(context) row \(i)")
                let values = (row["values"] as! [Double]).map { Float($0) }
                XCTAssertEqual(Array(table.matrix.row(i).prefix(values.count)), values, "\(context) row \(i)")
            }
            XCTAssertEqual(table.vocabulary[table.count - 1], expected["last"] as! String, context)
            let tolerance = expected["norm_abs_tol"] as! Double
            for pair in expected["norms_every_100th"] as! [[Double]] {
                let row = Int(pair[0])
                let norm = table.matrix.row(row).reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
                XCTAssertEqual(norm, pair[1], accuracy: tolerance, "\(context) norm of row \(row)")
            }
            if let invalid = expected["invalid_utf8_rows"] as? [[String: Any]] {
                XCTAssertEqual(report.invalidUTF8Rows, invalid.map { $0["row"] as! Int }, context)
                for entry in invalid {
                    let row = entry["row"] as! Int
                    let hex = table.vocabulary.bytes(at: row).map { String(format: "%02x", $0) }.joined()
                    XCTAssertEqual(hex, entry["word_bytes_hex"] as! String, context)
                    XCTAssertEqual(table.vocabulary[row], entry["gensim_word"] as! String, context)
                }
                // Strict reading refuses the same file, pointing at the first bad word.
                XCTAssertThrowsError(try EmbeddingReader.load(file)) { error in
                    guard case .invalidUTF8(let location, _, _)? = error as? EmbeddingFileError else {
                        return XCTFail("\(context): expected invalidUTF8, got \(error)")
                    }
                    XCTAssertEqual(location.line, invalid[0]["row"] as! Int + 2, context) // header is line 1
                }
            }
            if let newline = expected["newline_after_each_vector"] as? Bool {
                XCTAssertEqual(report.binaryRowsEndWithNewline, newline, context)
            }
            if let trailing = expected["trailing_space_on_rows"] as? Bool {
                XCTAssertEqual(report.trailingWhitespaceRows > 0, trailing, context)
            }
        }
    }
}
