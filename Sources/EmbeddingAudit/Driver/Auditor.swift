import EmbeddingCore
import EmbeddingIO
import Foundation

/// Streams an embedding file once and reports everything wrong with it.
///
/// Memory: one chunk, the words (for duplicate detection), a 16-byte fingerprint per distinct
/// vector and a norm per row — not the matrix. Numeric checks run on two threads.
public enum Auditor {
    /// Audits `path` (`-` = standard input).
    /// - Parameter progress: called after each batch with (bytes read, file size if known).
    /// - Throws: ``EmbeddingFileError`` only when the file cannot be read at all (open, header);
    ///   a failure later becomes an ``FindingKind/unreadableRest`` finding.
    public static func audit(_ path: String, options: AuditOptions = AuditOptions(),
                             progress: ((Int, Int?) -> Void)? = nil) throws -> AuditReport {
        var read = options.read
        read.limit = nil
        read.checksHeaderAgainstFileSize = false
        if read.format == nil { try TableFile.refuseForeignFormat(path, operation: "audit") }
        let reader = try EmbeddingRecordReader(path: path, options: read)
        var state = AuditState(reader: reader, options: options)
        let scratch = ScratchBuffer()
        do {
            // Binary rows stay in the reader's buffer: the audit reads each value once.
            while try reader.readBatch(inPlace: true, destination: { n in scratch.pointer(count: n * reader.dimensions) },
                                       { state.process($0) }) {
                progress?(reader.bytesConsumed, reader.isGzip ? nil : reader.fileSize)
            }
        } catch let error as EmbeddingFileError {
            let location = error.location ?? SourceLocation(path: path, byteOffset: reader.bytesConsumed)
            state.add(Finding(kind: .unreadableRest, location: location, row: nil, word: nil,
                              detail: error.message + (error.hint.map { "; \($0)" } ?? "")))
        }
        return state.finish()
    }
}

struct AuditState {
    let reader: EmbeddingRecordReader
    let options: AuditOptions
    var report: AuditReport
    var wordBytes: [UInt8] = []
    var wordOffsets: [Int] = [0]
    /// Line (text) or byte offset (binary) of every row, for findings made in `finish`.
    var positions: [Int] = []
    /// Rows whose word changes under NFKC + lowercase (uppercase ASCII or non-ASCII).
    var foldCandidates: [Int] = []
    var vocabulary = Vocabulary()
    /// Vector fingerprints seen, for shared-vector groups: two tables (by the fingerprint's top
    /// bit) filled on two threads, each in row order.
    var vectors = [FingerprintTable(), FingerprintTable()]
    var norms: [Float] = []
    var meanSum: [Double]
    var numbers: [RowNumbers] = []
    var isFingerprinted: [Bool] = []
    /// The row scan's loop (decided once per process from the CPU's features).
    let rowScanKernel = RowScanKernel.best

    init(reader: EmbeddingRecordReader, options: AuditOptions) {
        self.reader = reader
        self.options = options
        report = AuditReport(path: reader.path, format: reader.format, isGzip: reader.isGzip, header: reader.header,
                             dimensions: reader.dimensions)
        meanSum = [Double](repeating: 0, count: reader.dimensions)
        if let count = reader.header?.count {
            // 20 bytes per row over the three arrays; a gzip header is checked against nothing.
            let rows = reader.reservableRows(min(count, 1 << 24), bytesPerRow: 20)
            norms.reserveCapacity(rows)
            wordOffsets.reserveCapacity(rows + 1)
            positions.reserveCapacity(rows)
        }
    }

    mutating func add(_ finding: Finding) {
        var group = report.groups[finding.kind] ?? FindingGroup(kind: finding.kind)
        group.count += 1
        if group.examples.count < options.maxExamples { group.examples.append(finding) }
        report.groups[finding.kind] = group
    }

    func location(_ record: RowRecord, column: Int = 1) -> SourceLocation {
        reader.location(ofPosition: record.position, column: column)
    }

    mutating func process(_ batch: RecordBatch) {
        let dim = batch.dimensions
        let n = batch.count
        if numbers.count < n { numbers = [RowNumbers](repeating: RowNumbers(), count: n) }
        // A batch of only malformed rows (a few bytes each under a header claiming 10⁶ values,
        // where the reader hands out tiny batches) must not cost O(dim): skip the numeric pass.
        let anyWellFormed = batch.rows.contains { $0.status == .ok }
        let parts = anyWellFormed && n >= 256 ? 2 : 1
        // The batch's words, concatenated: gathered during the numeric pass, where each word is
        // in cache next to its vector (the row loop below would miss the cache once per row).
        let partWordStart = RowRecord.wordStarts(of: batch.rows, parts: parts)
        var words = [UInt8](repeating: 0, count: partWordStart[parts])
        // Numeric checks on two threads, each with its own mean accumulator.
        var partialMeans = [[Double]](repeating: [Double](repeating: 0, count: anyWellFormed ? dim : 0), count: 2)
        let kernel = rowScanKernel
        numbers.withUnsafeMutableBufferPointer { out in
            partialMeans.withUnsafeMutableBufferPointer { means in
                words.withUnsafeMutableBytes { words in
                    let box = _UncheckedSendable((out, means, batch, words, partWordStart))
                    parallelFor(parts) { part in
                        let (out, means, batch, words, partWordStart) = box.value
                        var at = partWordStart[part]
                        means[part].withUnsafeMutableBufferPointer { sum in
                            for i in (n * part / parts) ..< (n * (part + 1) / parts) {
                                let word = batch.wordBytes(i)
                                if !word.isEmpty { (words.baseAddress! + at).copyMemory(from: word.baseAddress!, byteCount: word.count) }
                                at += word.count
                                if anyWellFormed && batch.rows[i].status == .ok {
                                    out[i] = Self.rowNumbers(batch.rawValues(i), dimensions: dim, meanSum: sum.baseAddress!,
                                                                 kernel: kernel)
                                }
                            }
                        }
                    }
                }
            }
        }
        if anyWellFormed {
            for part in 0 ..< parts {
                for d in 0 ..< dim { meanSum[d] += partialMeans[part][d] }
            }
        }
        if isFingerprinted.count < n { isFingerprinted = [Bool](repeating: false, count: n) }
        for i in 0 ..< n { isFingerprinted[i] = false }
        words.withUnsafeBytes { words in
            var at = 0
            for i in 0 ..< n {
                let length = Int(batch.rows[i].wordLength)
                processRow(batch, i, wordBytesRaw: UnsafeRawBufferPointer(rebasing: words[at ..< at + length]))
                at += length
            }
        }
        wordBytes.append(contentsOf: words)
        // Shared-vector fingerprints: each thread inserts the rows of its half of the hash space.
        guard anyWellFormed else { return }
        let flags = isFingerprinted, results = numbers
        vectors.withUnsafeMutableBufferPointer { tables in
            let box = _UncheckedSendable((tables, batch))
            parallelFor(2) { part in
                let (tables, batch) = box.value
                let rows = (0 ..< n).filter { flags[$0] && Int(results[$0].fingerprint.0 >> 63) == part }
                tables[part].insert(rows.map { (results[$0].fingerprint, batch.firstRow + $0, batch.rows[$0].position) })
            }
        }
    }

    func location(ofRow row: Int, column: Int = 1) -> SourceLocation {
        reader.location(ofPosition: positions[row], column: column)
    }

    /// Sorts non-negative finite floats by their bit patterns (which order the same way) with a
    /// two-pass LSD radix sort: O(n), ~10× faster than a comparison sort for a million norms.
    static func sortedNonNegative(_ values: [Float]) -> [Float] {
        var keys = values.map(\.bitPattern)
        var scratch = [UInt32](repeating: 0, count: keys.count)
        for shift: UInt32 in [0, 16] {
            var counts = [Int](repeating: 0, count: 65537)
            for k in keys { counts[Int((k >> shift) & 0xFFFF) + 1] += 1 }
            for i in 1 ..< counts.count { counts[i] += counts[i - 1] }
            for k in keys {
                let bucket = Int((k >> shift) & 0xFFFF)
                scratch[counts[bucket]] = k
                counts[bucket] += 1
            }
            swap(&keys, &scratch)
        }
        return keys.map(Float.init(bitPattern:))
    }

    mutating func finish() -> AuditReport {
        findWordCollisions()
        report.bytesRead = reader.bytesConsumed
        report.skippedByteOrderMark = reader.skippedByteOrderMark
        report.blankLines = reader.blankLines
        report.tabSeparatedRows = reader.tabSeparatedRows
        report.firstTabSeparatedLine = reader.firstTabSeparatedLine
        if let header = reader.header, header.count != report.rows, report.count(.unreadableRest) == 0 {
            add(Finding(kind: .headerCountMismatch, location: SourceLocation(path: reader.path, line: 1), row: nil, word: nil,
                        detail: "the header says \(header.count) rows, the file has \(report.rows)"))
        }
        // Shared vectors.
        // A later occurrence of a duplicated word is reported as a duplicate, not as a second word
        // sharing its own vector.
        let repeated = Set(vocabulary.duplicates.map(\.row))
        var groups: [[Int]] = []
        var positions: [Int: Int] = [:]
        for table in vectors {
            for (first, members) in table.groups where members.count + 1 >= options.minSharedGroup {
                let distinct = [first] + members.filter { !repeated.contains($0) }
                guard distinct.count >= options.minSharedGroup else { continue }
                groups.append(distinct)
                positions[first] = table.positionOfFirst[first] ?? 0
            }
        }
        groups.sort { $0.count != $1.count ? $0.count > $1.count : $0[0] < $1[0] }
        for group in groups {
            let words = group.prefix(6).map { vocabulary[$0] }
            let position = positions[group[0]]!
            let location = reader.location(ofPosition: position)
            add(Finding(kind: .sharedVector, location: location, row: group[0], word: words[0],
                        detail: "\(group.count) words share one vector: \(words.joined(separator: ", "))\(group.count > 6 ? ", …" : "")"))
        }
        report.sharedVectorGroups = groups.prefix(options.maxExamples).map { $0.map { (row: $0, word: vocabulary[$0]) } }
        // Norm statistics (finite rows of the right length).
        let sorted = Self.sortedNonNegative(norms)
        var stats = NormStatistics()
        stats.count = sorted.count
        if let first = sorted.first, let last = sorted.last {
            stats.minimum = Double(first)
            stats.maximum = Double(last)
            stats.mean = sorted.reduce(0.0) { $0 + Double($1) } / Double(sorted.count)
            stats.percentiles = [1.0, 5, 25, 50, 75, 95, 99].map { p in
                (p, Double(sorted[min(sorted.count - 1, Int((p / 100) * Double(sorted.count - 1) + 0.5))]))
            }
            let bins = 20
            var histogram = [Int](repeating: 0, count: bins)
            let width = (stats.maximum - stats.minimum) / Double(bins)
            for v in sorted {
                let bin = width > 0 ? min(bins - 1, Int((Double(v) - stats.minimum) / width)) : 0
                histogram[bin] += 1
            }
            stats.histogram = histogram
            let meanVector = meanSum.map { $0 / Double(sorted.count) }
            stats.meanVectorNorm = meanVector.reduce(0.0) { $0 + $1 * $1 }.squareRoot()
        }
        report.norms = stats
        if stats.count >= 50 && stats.meanVectorRatio > 0.5 {
            add(Finding(kind: .largeMeanVector, location: SourceLocation(path: reader.path, line: 1), row: nil, word: nil,
                        detail: String(format: "‖mean‖ = %.4g is %.0f%% of the mean row norm %.4g", stats.meanVectorNorm,
                                       stats.meanVectorRatio * 100, stats.mean)))
        }
        return report
    }
}
