@testable import EmbeddingAudit
import EmbeddingCore
import XCTest

/// The audit's C row scans (AVX2, AVX-512) must give bit for bit what its Swift loop gives: the
/// sum of squares, zero and non-finite flags, fingerprint and the running mean.
final class NativeRowScanTests: XCTestCase {
    func testNativeScanEqualsTheSwiftLoop() throws {
        let kernels = RowScanKernel.allCases.filter(\.isAvailable)
        guard kernels.count > 1 else { throw XCTSkip("this CPU has neither AVX2 nor AVX-512: the Swift loop is the only path") }
        var rng = SplitMix64(seed: 3)
        for dim in [1, 7, 8, 9, 16, 300, 384, 1001] {
            var rows: [[Float]] = []
            rows.append((0 ..< dim).map { _ in rng.uniform(-1, 1) })
            rows.append([Float](repeating: 0, count: dim))
            rows.append((0 ..< dim).map { $0 == dim / 2 ? -0.0 : 0 })
            rows.append((0 ..< dim).map { $0 == dim - 1 ? .nan : rng.uniform(-1, 1) })
            rows.append((0 ..< dim).map { $0 == 0 ? -.infinity : rng.uniform(-1, 1) })
            rows.append((0 ..< dim).map { _ in rng.uniform(-1, 1) * 3e38 })  // the Float sum of squares overflows
            rows.append((0 ..< dim).map { _ in rng.uniform(-1, 1) * 1e-40 })  // subnormals
            var means: [[Double]] = []
            var results: [[RowNumbers]] = []
            for kernel in kernels {
                var mean = [Double](repeating: 0.25, count: dim)
                var out: [RowNumbers] = []
                for row in rows {
                    out.append(row.withUnsafeBytes { raw in
                        mean.withUnsafeMutableBufferPointer { AuditState.rowNumbers(raw.baseAddress!, dimensions: dim, meanSum: $0.baseAddress!,
                                                                             kernel: kernel) }
                    })
                }
                means.append(mean)
                results.append(out)
            }
            for t in 1 ..< kernels.count {
                XCTAssertEqual(means[t].map(\.bitPattern), means[0].map(\.bitPattern), "mean, \(kernels[t]), dim \(dim)")
                for (a, b) in zip(results[t], results[0]) {
                    XCTAssertEqual(a.norm.bitPattern, b.norm.bitPattern, "norm, \(kernels[t]), dim \(dim)")
                    XCTAssertEqual(a.isZero, b.isZero, "\(kernels[t]), dim \(dim)")
                    XCTAssertEqual(a.hasNonFinite, b.hasNonFinite, "\(kernels[t]), dim \(dim)")
                    XCTAssertEqual(a.fingerprint.0, b.fingerprint.0, "\(kernels[t]), dim \(dim)")
                    XCTAssertEqual(a.fingerprint.1, b.fingerprint.1, "\(kernels[t]), dim \(dim)")
                }
            }
        }
    }
}
