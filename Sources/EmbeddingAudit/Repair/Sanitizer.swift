import EmbeddingCore
import EmbeddingIO
import Foundation

/// How ``Sanitizer`` repairs a table. Every default is the safe choice; every change is logged.
public struct SanitizePolicy: Sendable {
    /// What to do with all-zero or non-finite rows.
    public enum BadRows: String, Sendable, CaseIterable { case drop, keep, mean }
    /// Which occurrence of a duplicated word survives.
    public enum Duplicates: String, Sendable, CaseIterable { case first, last, mean }
    /// How words that fold to the same lowercase NFKC form are merged.
    public enum Lowercase: String, Sendable, CaseIterable { case first, mean }
    /// What to do with words that are not valid UTF-8.
    public enum InvalidUTF8: String, Sendable, CaseIterable { case replace, drop }

    public var zeroRows: BadRows = .drop
    public var nonFiniteRows: BadRows = .drop
    public var duplicates: Duplicates = .first
    /// nil: no merge. `.first` keeps the earliest row (the most frequent, in frequency-sorted files).
    public var lowercase: Lowercase?
    /// L2-normalise every kept row (zero rows, if kept, stay zero).
    public var normalize = false
    public var invalidUTF8: InvalidUTF8 = .replace

    public init() {}
}

/// One change the sanitizer made.
public struct SanitizeChange: Sendable, Equatable {
    public enum Action: String, Sendable {
        case dropped, replacedWithMean = "replaced-with-mean", merged, renamed, normalized, unreadable
        case headerFixed = "header-fixed"
    }

    public var action: Action
    /// 0-based row in the input (header excluded), when about a row.
    public var row: Int?
    public var location: SourceLocation
    public var word: String
    public var reason: String

    /// `action<TAB>row<TAB>location<TAB>word<TAB>reason` (row is 1-based, empty when not about a row).
    public var logLine: String {
        "\(action.rawValue)\t\(row.map { String($0 + 1) } ?? "")\t\(location)\t\(word)\t\(reason)"
    }
}

/// The repaired table and everything that was changed to get it.
public struct SanitizeResult: Sendable {
    public var table: EmbeddingTable
    public var format: EmbeddingFormat
    public var inputRows: Int
    public var changes: [SanitizeChange]

    /// Changes per action.
    public var counts: [SanitizeChange.Action: Int] {
        changes.reduce(into: [:]) { $0[$1.action, default: 0] += 1 }
    }
}

/// Reads a possibly broken embedding file and returns a clean table: every row that is kept is
/// bit-exact (unless a policy says otherwise), every row that is changed or dropped is listed.
public enum Sanitizer {
    /// - Throws: ``EmbeddingFileError`` when the file cannot be read at all; a failure later
    ///   (truncation) keeps the rows before it and is listed as an `unreadable` change.
    /// - Complexity: O(file size); memory is the output matrix plus the words.
    public static func sanitize(_ path: String, policy: SanitizePolicy = SanitizePolicy(),
                                read: ReadOptions = ReadOptions()) throws -> SanitizeResult {
        var read = read
        read.limit = nil
        read.checksHeaderAgainstFileSize = false
        if read.format == nil { try TableFile.refuseForeignFormat(path, operation: "sanitize") }
        read.skipsMalformedHeader = true
        let reader = try EmbeddingRecordReader(path: path, options: read)
        let dim = reader.dimensions
        // A gzip header is checked against nothing: cap what it can make us reserve.
        var matrix = RowMatrix(columns: dim, reservingRows: reader.reservableRows(min(reader.header?.count ?? 1024, 1 << 20),
                                                                                  bytesPerRow: 4 * dim))
        var words: [String] = []
        var sources: [(row: Int, location: SourceLocation)] = []
        var changes: [SanitizeChange] = []
        var needsMean: [(index: Int, reason: String)] = []
        var inputRows = 0
        func location(_ record: RowRecord) -> SourceLocation { reader.location(ofPosition: record.position) }
        do {
            let scratch = ScratchBuffer()
            while try reader.readBatch(destination: { n in scratch.pointer(count: n * dim) }, { batch in
                for i in 0 ..< batch.count {
                    inputRows += 1
                    let record = batch.rows[i]
                    let row = batch.firstRow + i
                    let here = location(record)
                    var word = batch.word(i)
                    switch record.status {
                    case .ok: break
                    case .wrongCount(let found):
                        changes.append(.init(action: .dropped, row: row, location: here, word: word,
                                             reason: "\(found) values, expected \(dim)"))
                        continue
                    case .nonNumeric(let column):
                        changes.append(.init(action: .dropped, row: row, location: here, word: word,
                                             reason: "value at column \(column) is not a number"))
                        continue
                    }
                    if record.invalidUTF8Offset >= 0 {
                        if policy.invalidUTF8 == .drop {
                            changes.append(.init(action: .dropped, row: row, location: here, word: word, reason: "word is not valid UTF-8"))
                            continue
                        }
                        let hex = batch.wordBytes(i).map { String(format: "%02x", $0) }.joined()
                        changes.append(.init(action: .renamed, row: row, location: here, word: word,
                                             reason: "invalid UTF-8 bytes (hex \(hex)) replaced with U+FFFD"))
                    }
                    if word.isEmpty {
                        changes.append(.init(action: .dropped, row: row, location: here, word: word, reason: "empty word"))
                        continue
                    }
                    let cleaned = WordCharacterPolicy.repaired(word)
                    if !cleaned.utf8.elementsEqual(word.utf8) {
                        changes.append(.init(action: .renamed, row: row, location: here, word: word,
                                             reason: "whitespace, control or invisible format characters replaced with '_': '\(cleaned)'"))
                        word = cleaned
                    }
                    let values = batch.values(i)
                    let isZero = values.allSatisfy { $0 == 0 }
                    let bad: (SanitizePolicy.BadRows, String)? = record.hasNonFinite
                        ? (policy.nonFiniteRows, "NaN or infinite values")
                        : isZero ? (policy.zeroRows, "all values are 0") : nil
                    if let (action, reason) = bad {
                        switch action {
                        case .drop:
                            changes.append(.init(action: .dropped, row: row, location: here, word: word, reason: reason))
                            continue
                        case .keep: break
                        case .mean: needsMean.append((matrix.rows, reason))
                        }
                    }
                    matrix.appendRow(values)
                    words.append(word)
                    sources.append((row, here))
                }
            }) {}
        } catch let error as EmbeddingFileError {
            changes.append(.init(action: .unreadable, row: nil,
                                 location: error.location ?? SourceLocation(path: path, byteOffset: reader.bytesConsumed),
                                 word: "", reason: error.message + "; the rows before this point were kept"))
        }

        // Mean of the good rows, for rows that a policy replaces.
        if !needsMean.isEmpty {
            let replaced = Set(needsMean.map(\.index))
            var mean = [Double](repeating: 0, count: dim)
            var n = 0
            for r in 0 ..< matrix.rows where !replaced.contains(r) {
                matrix.withRow(r) { values in
                    guard values.allSatisfy(\.isFinite) else { return } // kept non-finite rows stay out
                    for d in 0 ..< dim { mean[d] += Double(values[d]) }
                    n += 1
                }
            }
            let meanVector = mean.map { Scalar($0 / Double(max(n, 1))) }
            // With no good row to average, the "mean" is the zero vector: say so.
            let replacement = n == 0 ? "replaced with zeros (no good row to average)" : "replaced with the mean of \(pluralized(n, "row"))"
            for (index, reason) in needsMean {
                for d in 0 ..< dim { matrix[index, d] = meanVector[d] }
                changes.append(.init(action: .replacedWithMean, row: sources[index].row, location: sources[index].location,
                                     word: words[index], reason: "\(reason); \(replacement)"))
            }
        }

        // Duplicates (exact, or after folding with --lowercase): one survivor per key.
        var keys = words
        if policy.lowercase != nil { keys = words.map { $0.precomposedStringWithCompatibilityMapping.lowercased() } }
        var groups: [String: [Int]] = [:]
        for (index, key) in keys.enumerated() { groups[key, default: []].append(index) }
        var keep = [Bool](repeating: true, count: words.count)
        var finalWords = words
        for index in 0 ..< words.count {
            guard let members = groups[keys[index]], members[0] == index, members.count > 1 else { continue }
            let mode: SanitizePolicy.Duplicates
            switch policy.lowercase {
            case .first?: mode = .first
            case .mean?: mode = .mean
            case nil: mode = policy.duplicates
            }
            let survivor = mode == .last ? members.last! : members[0]
            if mode == .mean {
                var sum = [Double](repeating: 0, count: dim)
                for m in members { matrix.withRow(m) { v in for d in 0 ..< dim { sum[d] += Double(v[d]) } } }
                for d in 0 ..< dim { matrix[survivor, d] = Scalar(sum[d] / Double(members.count)) }
            }
            for m in members where m != survivor {
                keep[m] = false
                let why = policy.lowercase != nil && words[m] != words[survivor]
                    ? "folds to '\(keys[m])' like '\(words[survivor])' (row \(sources[survivor].row + 1))"
                    : "duplicate of row \(sources[survivor].row + 1)"
                changes.append(.init(action: .merged, row: sources[m].row, location: sources[m].location, word: words[m],
                                     reason: why + (mode == .mean ? "; vectors averaged into it" : "; \(mode.rawValue) kept")))
            }
            if policy.lowercase != nil && words[survivor] != keys[survivor] {
                changes.append(.init(action: .renamed, row: sources[survivor].row, location: sources[survivor].location,
                                     word: words[survivor], reason: "lowercased to '\(keys[survivor])'"))
            }
            finalWords[survivor] = keys[survivor]
        }
        if policy.lowercase != nil {
            // Singletons are lowercased too.
            for index in 0 ..< words.count where keep[index] && finalWords[index] != keys[index] {
                changes.append(.init(action: .renamed, row: sources[index].row, location: sources[index].location,
                                     word: words[index], reason: "lowercased to '\(keys[index])'"))
                finalWords[index] = keys[index]
            }
        }

        var table = EmbeddingTable(dimensions: dim)
        table.matrix.reserveRows(keep.filter { $0 }.count)
        var normalized = 0
        for index in 0 ..< words.count where keep[index] {
            var values = matrix.row(index)
            if policy.normalize {
                if let unit = L2.unitVector(values) {
                    values = unit
                    normalized += 1
                }
            }
            table.append(finalWords[index], values)
        }
        if policy.normalize {
            changes.append(.init(action: .normalized, row: nil, location: SourceLocation(path: path, line: 1), word: "",
                                 reason: "\(pluralized(normalized, "row")) scaled to unit L2 norm"))
        }
        if let found = reader.skippedMalformedHeader {
            changes.append(.init(action: .headerFixed, row: nil, location: SourceLocation(path: path, line: 1), word: "",
                                 reason: "malformed header '\(found)' replaced: the rows have \(pluralized(dim, "value")); "
                                     + "the output header says \(table.count) \(dim)"))
        }
        if let header = reader.header, header.count != inputRows {
            changes.append(.init(action: .headerFixed, row: nil, location: SourceLocation(path: path, line: 1), word: "",
                                 reason: "header said \(pluralized(header.count, "row")), the file has \(inputRows); the output header says \(table.count)"))
        }
        changes.sort { ($0.row ?? -1, $0.action.rawValue) < ($1.row ?? -1, $1.action.rawValue) }
        return SanitizeResult(table: table, format: reader.format, inputRows: inputRows, changes: changes)
    }
}
