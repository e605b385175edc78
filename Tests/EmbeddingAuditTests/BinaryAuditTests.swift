import EmbeddingAudit
import EmbeddingCore
@testable import EmbeddingIO
import Foundation
import TestSupport
import XCTest

/// Binary files are audited in place (mapped or read); the findings and statistics must equal
/// those of the same table written as text.
final class BinaryAuditTests: XCTestCase {
    /// The bundled sample with planted defects: a zero row (10), NaN (20, dim 5), +Inf (30),
    /// row 41 and 42 sharing row 40's vector, and 2,000 + 5 rows so the dimension (384) is
    /// not the only shape tested (a 13-value table follows).
    func plantedTable() throws -> EmbeddingTable {
        let (sample, _) = try EmbeddingReader.load(Fixtures.bundledData.appendingPathComponent("en-2k-384d.vec.gz").path)
        var table = EmbeddingTable(dimensions: sample.dimensions)
        for i in 0 ..< sample.count {
            var row = sample.matrix.row(i)
            switch i {
            case 10: row = [Float](repeating: 0, count: row.count)
            case 20: row[5] = .nan
            case 30: row[383] = .infinity
            case 41, 42: row = sample.matrix.row(40)
            default: break
            }
            table.append(sample.vocabulary[i], row)
        }
        return table
    }

    func testBinaryAuditEqualsTextAudit() throws {
        let table = try plantedTable()
        let directory = try Fixtures.temporaryDirectory("charvec-binary-audit")
        let text = directory.appendingPathComponent("t.vec").path
        let binary = directory.appendingPathComponent("t.bin").path
        try EmbeddingWriter.write(table, to: text, format: .word2vecText)
        try EmbeddingWriter.write(table, to: binary, format: .word2vecBinary)
        let reference = try Auditor.audit(text)
        XCTAssertEqual(reference.count(.zeroRow), 1)
        XCTAssertEqual(reference.count(.nonFinite), 2)
        XCTAssertEqual(reference.sharedVectorGroups.map { $0.map(\.row) }, [[40, 41, 42]])
        // Mean vector over finite rows, in double.
        var mean = [Double](repeating: 0, count: table.dimensions)
        for i in 0 ..< table.count where i != 20 && i != 30 {
            for (d, v) in table.matrix.row(i).enumerated() { mean[d] += Double(v) }
        }
        let meanNorm = (mean.map { $0 * $0 }.reduce(0, +)).squareRoot() / Double(table.count - 2)
        XCTAssertEqual(reference.norms.meanVectorNorm, meanNorm, accuracy: meanNorm * 1e-5)

        for (mapped, window) in [(false, 0), (true, 3 * 4096), (true, 32 << 20)] {
            var options = AuditOptions()
            options.read.mapThreshold = mapped ? 0 : .max
            options.read.mapWindow = max(window, 4096)
            let report = try Auditor.audit(binary, options: options)
            XCTAssertEqual(report.rows, reference.rows)
            for kind in FindingKind.allCases {
                XCTAssertEqual(report.count(kind), reference.count(kind), "\(kind) mapped=\(mapped)")
                XCTAssertEqual(report.groups[kind]?.examples.map(\.row), reference.groups[kind]?.examples.map(\.row), "\(kind)")
                XCTAssertEqual(report.groups[kind]?.examples.map(\.detail), reference.groups[kind]?.examples.map(\.detail), "\(kind)")
            }
            XCTAssertEqual(report.sharedVectorGroups.map { $0.map(\.row) }, [[40, 41, 42]])
            XCTAssertEqual(report.norms.count, reference.norms.count)
            XCTAssertEqual(report.norms.minimum, reference.norms.minimum)
            XCTAssertEqual(report.norms.maximum, reference.norms.maximum)
            // Float partial sums over 256 rows: batch boundaries differ between text and binary.
            XCTAssertEqual(report.norms.meanVectorNorm, reference.norms.meanVectorNorm, accuracy: meanNorm * 1e-6)
        }
    }
}
