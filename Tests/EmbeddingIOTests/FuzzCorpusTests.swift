import EmbeddingCore
import EmbeddingIO
import Foundation
import TestSupport
import XCTest

/// Replays the fuzz regression corpus (Tests/Corpus/fuzz/TARGET, see docs/fuzzing.md) through
/// the loader calls the fuzz targets make: every input must load or throw an
/// ``EmbeddingFileError`` — never trap, hang or allocate without bound.
final class FuzzCorpusTests: XCTestCase {
    func replay(_ target: String, _ optionSets: [ReadOptions], file: StaticString = #filePath, line: UInt = #line) throws {
        let files = try Fixtures.fuzzCorpus(target)
        XCTAssertFalse(files.isEmpty, "no corpus for \(target)", file: file, line: line)
        for path in files {
            for options in optionSets {
                do { _ = try EmbeddingReader.load(path, options: options) } catch is EmbeddingFileError {} catch is TensorFileError {} catch {
                    XCTFail("\(path): not an EmbeddingFileError: \(error)", file: file, line: line)
                }
            }
        }
    }

    /// As tools/fuzz/Sources/FuzzText.
    func testTextCorpus() throws {
        try replay("text", [ReadOptions(threads: 1), ReadOptions(lowercase: true, unicodeErrors: .replace, threads: 1)])
    }

    /// As tools/fuzz/Sources/FuzzBinary (format forced).
    func testBinaryCorpus() throws {
        try replay("binary", [ReadOptions(format: .word2vecBinary, unicodeErrors: .replace, threads: 1)])
    }

    /// As tools/fuzz/Sources/FuzzGzip. The files are stored gzipped, and the harness passes gzip
    /// input through unchanged, so this is the reader call the fuzzer made.
    func testGzipCorpus() throws {
        try replay("gzip", [ReadOptions(unicodeErrors: .replace, threads: 1)])
    }

    // Unbounded reservations the fuzzer cannot see: RowMatrix maps blocks of 64 MiB and more
    // with mmap, past libFuzzer's malloc limit, and untouched pages do not count as RSS.

    func gzipFile(_ bytes: [UInt8], _ name: String) throws -> String {
        let directory = try Fixtures.temporaryDirectory("charvec-fuzz-regression")
        let plain = try Fixtures.write(bytes, named: name, in: directory)
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/sh")
        gzip.arguments = ["-c", "gzip -n -f '\(plain)'"]
        try gzip.run()
        gzip.waitUntilExit()
        XCTAssertEqual(gzip.terminationStatus, 0)
        return plain + ".gz"
    }

    func testHeaderClaimingATrillionRowsFailsFast() throws {
        let directory = try Fixtures.temporaryDirectory("charvec-fuzz-regression")
        let text = "1000000000000 300\nof " + Array(repeating: "0.5", count: 300).joined(separator: " ") + "\n"
        // A plain file: the header cannot fit in the file's size.
        let plain = try Fixtures.write(text, named: "trillion.vec", in: directory)
        XCTAssertThrowsError(try EmbeddingReader.load(plain)) { error in
            guard case .implausibleHeader = error as? EmbeddingFileError else { return XCTFail("\(error)") }
        }
        // Gzipped, nothing bounds the header: the loader must reserve little and fail at the end.
        let gzip = try gzipFile(Array(text.utf8), "trillion-gz.vec")
        let reader = try EmbeddingRecordReader(path: gzip)
        XCTAssertLessThanOrEqual(reader.reservableRows(1 << 20, bytesPerRow: 4 * 300) * 4 * 300, 64 << 20)
        XCTAssertThrowsError(try EmbeddingReader.load(gzip)) { error in
            guard case .fewerRowsThanHeader(_, 1_000_000_000_000, 1) = error as? EmbeddingFileError else { return XCTFail("\(error)") }
        }
    }

    /// Was: "Fatal error: out of memory allocating 4000000000000 bytes" from a 40-byte gzip file.
    func testGzipHeaderWithAMillionValuesPerRowDoesNotReserveTerabytes() throws {
        let gzip = try gzipFile(Array("1000000 1000000\na 1\n".utf8), "wide.vec")
        XCTAssertThrowsError(try EmbeddingReader.load(gzip)) { error in
            guard case .wrongComponentCount(_, "a", 1_000_000, 1) = error as? EmbeddingFileError else { return XCTFail("\(error)") }
        }
    }

    /// Every row gets `dimensions` slots in a batch: 2-byte rows under a header claiming 10⁵
    /// values asked for 80 GB (and filled them with NaN). Batches now hold only as many rows as
    /// their bytes could, and a short row costs its bytes, not its slots.
    func testShortRowsUnderAWideHeaderGetBoundedBatches() throws {
        let dim = 100_000, rows = 200_000
        // Each row is followed by a blank line: line numbers and blank counts must survive the cuts.
        let gzip = try gzipFile(Array("\(rows) \(dim)\n".utf8) + Array(repeating: Array("a\n\n".utf8), count: rows).flatMap { $0 },
                                "short-rows.vec")
        let reader = try EmbeddingRecordReader(path: gzip, options: ReadOptions(threads: 1))
        // A batch of B bytes may need B/2 + dim values (see nextTextBatch); B ≤ the 8 MiB chunk here.
        let budget = (8 << 20) / 2 + dim
        let scratch = UnsafeMutablePointer<Scalar>.allocate(capacity: budget)
        defer { scratch.deallocate() }
        var seen = 0
        let start = Date()
        while try reader.readBatch(destination: { n in
            precondition(n * dim <= budget, "a batch of \(n) rows × \(dim) values")
            return scratch
        }, { batch in
            for i in 0 ..< batch.count {
                XCTAssertEqual(batch.rows[i].status, .wrongCount(found: 0))
                XCTAssertEqual(batch.rows[i].position, 2 + 2 * (batch.firstRow + i))
            }
            seen += batch.count
        }) {}
        XCTAssertEqual(seen, rows)
        XCTAssertEqual(reader.blankLines, rows)
        XCTAssertLessThan(Date().timeIntervalSince(start), 20, "short rows must cost their bytes, not their slots")
    }
}
