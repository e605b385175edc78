import CKernels
import CSupport
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
            while true {
                // Binary rows stay in the reader's buffer: the audit reads each value once.
                guard let batch = try reader.nextBatchInPlace(destination: { n in
                    scratch.pointer(count: n * reader.dimensions)
                }) else { break }
                state.process(batch)
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

/// Per-row numeric results of a batch, computed in parallel.
struct RowNumbers {
    var norm: Float = 0
    var isZero = false
    var hasNonFinite = false
    var fingerprint: (UInt64, UInt64) = (0, 0)
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
                                    out[i] = Self.rowNumbers(batch.rawValues(i), dimensions: dim, meanSum: sum.baseAddress!)
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

    /// Whether ``rowNumbers(_:dimensions:meanSum:)`` runs its loops in C with AVX-512 (tests turn it off to compare).
    nonisolated(unsafe) static var nativeRows = cv_kernels_native() != 0

    /// Norm, zero and non-finite tests and fingerprint of one row, in one pass over its
    /// `dimensions` values at `raw` (little-endian float32, possibly unaligned); adds finite
    /// rows to `meanSum` (`dimensions` doubles).
    static func rowNumbers(_ raw: UnsafeRawPointer, dimensions dim: Int, meanSum: UnsafeMutablePointer<Double>) -> RowNumbers {
        var result = RowNumbers()
        var sum = SIMD8<Float>(repeating: 0)
        var magnitude = SIMD8<UInt32>(repeating: 0)
        var exponent = SIMD8<UInt32>(repeating: 0)
        var hash = VectorHash()
        var i = 0
        if Self.nativeRows {
            // The same loop in C with AVX-512 (bit-identical; Swift's baseline build emulates the hash's 64-bit multiplies).
            let blocks = dim / 8
            var highestMagnitude: UInt32 = 0, highestExponent: UInt32 = 0
            withUnsafeMutableBytes(of: &sum) { s in
                withUnsafeMutableBytes(of: &hash.lanes) { l in
                    cv_audit_row_blocks(raw, blocks, s.baseAddress!.assumingMemoryBound(to: Float.self), &highestMagnitude,
                                             &highestExponent, l.baseAddress!.assumingMemoryBound(to: UInt64.self))
                }
            }
            magnitude = SIMD8(repeating: highestMagnitude)
            exponent = SIMD8(repeating: highestExponent)
            i = blocks &* 8
        }
        while i &+ 8 <= dim {
            let bits = raw.loadUnaligned(fromByteOffset: i &* 4, as: SIMD8<UInt32>.self)
            let v = unsafeBitCast(bits, to: SIMD8<Float>.self)
            sum += v * v
            magnitude |= bits & 0x7FFF_FFFF
            exponent = pointwiseMax(exponent, bits & 0x7F80_0000)
            hash.absorb(unsafeBitCast(bits, to: SIMD4<UInt64>.self))
            i &+= 8
        }
        var tail: Float = 0
        var tailMagnitude: UInt32 = 0
        var tailExponent: UInt32 = 0
        for k in i ..< dim {
            let bits = raw.loadUnaligned(fromByteOffset: k &* 4, as: UInt32.self)
            let value = Float(bitPattern: bits)
            tail += value * value
            tailMagnitude |= bits & 0x7FFF_FFFF
            tailExponent = max(tailExponent, bits & 0x7F80_0000)
            hash.absorb(bits)
        }
        result.isZero = magnitude == SIMD8<UInt32>(repeating: 0) && tailMagnitude == 0
        result.hasNonFinite = max(exponent.max(), tailExponent) == 0x7F80_0000
        if result.hasNonFinite { result.norm = .nan; return result }
        result.norm = (sum.sum() + tail).squareRoot()
        if result.norm == .infinity {
            // Finite values above ~1.8e19 overflow a Float sum of squares (an infinite norm then
            // made the histogram divide ∞ by ∞ and trap): redo the sum in Double, and clamp norms
            // beyond Float's range so that every statistic stays finite.
            var wide = 0.0
            for k in 0 ..< dim {
                let v = Double(raw.loadUnaligned(fromByteOffset: k &* 4, as: Float.self))
                wide += v * v
            }
            result.norm = Float(min(wide.squareRoot(), Double(Float.greatestFiniteMagnitude)))
        }
        // The row is still in L1: a second pass adds it to the mean, in double (huge finite
        // values must not overflow), four lanes at a time.
        if Self.nativeRows {
            cv_audit_add_to_mean(raw, dim, meanSum)
        } else {
            i = 0
            while i &+ 8 <= dim {
                let v = raw.loadUnaligned(fromByteOffset: i &* 4, as: SIMD8<Float>.self)
                let target = UnsafeMutableRawPointer(meanSum + i)
                target.storeBytes(of: target.loadUnaligned(as: SIMD4<Double>.self) + SIMD4<Double>(v.lowHalf), as: SIMD4<Double>.self)
                target.storeBytes(of: target.loadUnaligned(fromByteOffset: 32, as: SIMD4<Double>.self) + SIMD4<Double>(v.highHalf),
                                  toByteOffset: 32, as: SIMD4<Double>.self)
                i &+= 8
            }
            for k in i ..< dim { meanSum[k] += Double(raw.loadUnaligned(fromByteOffset: k &* 4, as: Float.self)) }
        }
        if !result.isZero { result.fingerprint = hash.finish(byteCount: dim * 4) }
        return result
    }

    /// The checks of row `i`, whose word is `wordBytesRaw` (gathered by ``process(_:)``).
    mutating func processRow(_ batch: RecordBatch, _ i: Int, wordBytesRaw: UnsafeRawBufferPointer) {
        let record = batch.rows[i]
        let row = batch.firstRow + i
        var word: String { batch.word(i) } // decoded only for rows with findings
        report.rows += 1

        // Word checks. Duplicates and folding collisions are found in `finish`, once every
        // word is known (indexing a million words at once, on two threads, is ~5× cheaper).
        wordOffsets.append(wordOffsets.last! + wordBytesRaw.count)
        positions.append(record.position)
        if wordBytesRaw.isEmpty {
            add(Finding(kind: .emptyWord, location: location(record), row: row, word: word, detail: "the row has no word"))
        }
        if record.invalidUTF8Offset >= 0 {
            let bad = wordBytesRaw[Int(record.invalidUTF8Offset)]
            add(Finding(kind: .invalidUTF8, location: location(record, column: Int(record.invalidUTF8Offset) + 1), row: row,
                        word: word, detail: "byte 0x\(String(bad, radix: 16, uppercase: true)) at offset \(record.invalidUTF8Offset) of the word"))
        }
        var ascii = true
        var hasUpper = false
        var badByte: UInt8?
        for b in wordBytesRaw {
            if b >= 0x80 { ascii = false } else if b < 0x20 || b == 0x7F || b == 0x20 { badByte = badByte ?? b }
            if b >= 0x41 && b <= 0x5A { hasUpper = true }
        }
        if let badByte {
            add(Finding(kind: .whitespaceInWord, location: location(record), row: row, word: word,
                        detail: "contains \(badByte == 0x09 ? "a tab" : "control byte 0x\(String(badByte, radix: 16, uppercase: true))")"))
        } else if !ascii, record.invalidUTF8Offset < 0,
                  let scalar = WordCharacterPolicy.firstDisallowed(in: word) {
            add(Finding(kind: .whitespaceInWord, location: location(record), row: row, word: word,
                        detail: String(format: "contains U+%04X (%@)", scalar.value, scalar.properties.name ?? "unnamed")))
        }
        if options.checkNormalization && (hasUpper || !ascii) && record.invalidUTF8Offset < 0 { foldCandidates.append(row) }

        // Value checks.
        switch record.status {
        case .wrongCount(let found):
            add(Finding(kind: .wrongDimension, location: location(record), row: row, word: word,
                        detail: "\(found) values, expected \(batch.dimensions)"))
            return
        case .nonNumeric(let column):
            let rowBytes = batch.rowBytes(i)
            var end = column - 1
            while end < rowBytes.count && rowBytes[end] != 0x20 && rowBytes[end] != 0x09 { end += 1 }
            let token = String(decoding: UnsafeRawBufferPointer(rebasing: rowBytes[(column - 1) ..< end]), as: UTF8.self)
            add(Finding(kind: .nonNumeric, location: location(record, column: column), row: row, word: word,
                        detail: "'\(token.prefix(40))' is not a number"))
            return
        case .ok:
            break
        }
        let numbers = self.numbers[i]
        if numbers.hasNonFinite {
            let raw = batch.rawValues(i)
            let values = (0 ..< batch.dimensions).map { raw.loadUnaligned(fromByteOffset: $0 * 4, as: Float.self) }
            var nan: [Int] = [], posInf: [Int] = [], negInf: [Int] = []
            for d in 0 ..< values.count where !values[d].isFinite {
                if values[d].isNaN { nan.append(d) } else if values[d] > 0 { posInf.append(d) } else { negInf.append(d) }
            }
            var parts: [String] = []
            func list(_ dims: [Int]) -> String {
                dims.prefix(8).map(String.init).joined(separator: ", ") + (dims.count > 8 ? ", … (\(dims.count))" : "")
            }
            if !nan.isEmpty { parts.append("NaN at dim\(nan.count == 1 ? "" : "s") \(list(nan))") }
            if !posInf.isEmpty { parts.append("+Inf at dim\(posInf.count == 1 ? "" : "s") \(list(posInf))") }
            if !negInf.isEmpty { parts.append("-Inf at dim\(negInf.count == 1 ? "" : "s") \(list(negInf))") }
            add(Finding(kind: .nonFinite, location: location(record), row: row, word: word,
                        detail: parts.joined(separator: "; ") + " (0-based)"))
            return
        }
        norms.append(numbers.norm)
        if numbers.isZero {
            add(Finding(kind: .zeroRow, location: location(record), row: row, word: word, detail: "all \(batch.dimensions) values are 0"))
            return
        }
        if numbers.norm < options.nearZeroNorm {
            add(Finding(kind: .nearZeroNorm, location: location(record), row: row, word: word,
                        detail: "norm \(numbers.norm) < \(options.nearZeroNorm)"))
        }
        isFingerprinted[i] = true
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
