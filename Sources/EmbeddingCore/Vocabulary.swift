/// The words of a table in file order, with a hash index from word to row.
///
/// Words are kept as their raw bytes in one contiguous buffer (plus an offset per row),
/// so invalid UTF-8 survives a round trip bit-exactly and a million words cost one
/// allocation instead of a million `String`s. The index maps a word to its *first* row;
/// later rows with the same bytes are listed in ``duplicates`` — never merged or dropped.
public struct Vocabulary: Sendable {
    /// Concatenated word bytes.
    @usableFromInline var _bytes: [UInt8] = []
    /// `_offsets[i] ..< _offsets[i + 1]` are the bytes of word `i`; `count + 1` entries.
    @usableFromInline var _offsets: [Int] = [0]
    /// Two open-addressing tables, chosen by the hash's top bit so they can be built on two
    /// threads. A slot holds `fingerprint << 32 | (row + 1)` (0 = empty); the fingerprint
    /// (the hash's upper 32 bits) skips most byte comparisons. Capacity: powers of two.
    var _tables: [[UInt64]] = [[], []]
    var _tableCounts = [0, 0]
    /// Rows whose word already appeared earlier: (row, first row with that word), by row.
    public private(set) var duplicates: [(row: Int, firstRow: Int)] = []

    public init() {}

    /// A vocabulary from words in order.
    public init<S: Sequence>(_ words: S) where S.Element == String {
        for word in words { append(word) }
    }

    /// Number of rows (duplicates included).
    @inlinable public var count: Int { _offsets.count - 1 }

    /// Reserves room for `words` words of about `averageBytes` bytes each.
    public mutating func reserveCapacity(words: Int, averageBytes: Int = 8) {
        _offsets.reserveCapacity(words + 1)
        _bytes.reserveCapacity(words * averageBytes)
        for part in 0 ..< 2 where Self.tableCapacity(for: words / 2 + 1) > _tables[part].count {
            _rehash(part, capacity: Self.tableCapacity(for: words / 2 + 1))
        }
    }

    /// A vocabulary from concatenated word bytes and `count + 1` offsets (`offsets[0] == 0`),
    /// indexing on two threads. - Complexity: O(total bytes), ~2× faster than appending.
    public init(concatenatedBytes bytes: [UInt8], offsets: [Int]) {
        precondition(offsets.first == 0 && offsets.last == bytes.count, "offsets must span the bytes")
        _bytes = bytes
        _offsets = offsets
        let n = offsets.count - 1
        var hashes = [UInt64](repeating: 0, count: n)
        bytes.withUnsafeBytes { all in
            offsets.withUnsafeBufferPointer { offsets in
                hashes.withUnsafeMutableBufferPointer { out in
                    let box = _UncheckedSendable((all, offsets, out))
                    parallelFor(2) { part in
                        let (all, offsets, out) = box.value
                        for row in (n * part / 2) ..< (n * (part + 1) / 2) {
                            out[row] = WordHash.hash(UnsafeRawBufferPointer(rebasing: all[offsets[row] ..< offsets[row + 1]]))
                        }
                    }
                }
            }
        }
        var parts = [(table: [UInt64], count: Int, duplicates: [(row: Int, firstRow: Int)])](
            repeating: ([], 0, []), count: 2)
        let snapshot = self
        parts.withUnsafeMutableBufferPointer { parts in
            let box = _UncheckedSendable((parts, hashes, snapshot))
            parallelFor(2) { part in
                let (parts, hashes, vocabulary) = box.value
                var members = 0
                for h in hashes where Int(h >> 63) == part { members += 1 }
                var table = [UInt64](repeating: 0, count: Self.tableCapacity(for: members))
                var duplicates: [(row: Int, firstRow: Int)] = []
                let mask = table.count - 1
                table.withUnsafeMutableBufferPointer { table in
                    for row in 0 ..< n where Int(hashes[row] >> 63) == part {
                        // The slots are random in a table far larger than the cache: ask for one 32 rows ahead.
                        if row &+ 32 < n { prefetchForReading(table.baseAddress! + (Int(truncatingIfNeeded: hashes[row &+ 32]) & mask)) }
                        if let first = vocabulary._insert(row: row, hash: hashes[row], into: table) {
                            duplicates.append((row, first))
                            members -= 1
                        }
                    }
                }
                parts[part] = (table, members, duplicates)
            }
        }
        _tables = [parts[0].table, parts[1].table]
        _tableCounts = [parts[0].count, parts[1].count]
        duplicates = (parts[0].duplicates + parts[1].duplicates).sorted { $0.row < $1.row }
    }

    static func tableCapacity(for members: Int) -> Int {
        var capacity = 16
        while capacity < members * 2 { capacity <<= 1 }
        return capacity
    }

    /// Appends a word given as raw bytes and returns its row.
    /// - Complexity: amortised O(word length).
    @discardableResult
    public mutating func append(bytes word: UnsafeRawBufferPointer) -> Int {
        let row = count
        _bytes.append(contentsOf: word)
        _offsets.append(_bytes.count)
        _insertIntoIndex(row: row)
        return row
    }

    /// Appends a word and returns its row.
    @discardableResult
    public mutating func append(_ word: String) -> Int {
        var word = word
        return word.withUTF8 { append(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// The raw bytes of row `i`'s word.
    public func bytes(at i: Int) -> ArraySlice<UInt8> {
        precondition(i >= 0 && i < count, "row \(i) out of range 0..<\(count)")
        return _bytes[_offsets[i] ..< _offsets[i + 1]]
    }

    /// Row `i`'s word; invalid UTF-8 is shown with U+FFFD (as gensim's `unicode_errors='replace'`).
    public subscript(i: Int) -> String {
        String(decoding: bytes(at: i), as: UTF8.self)
    }

    /// All words in row order.
    public var words: [String] { (0 ..< count).map { self[$0] } }

    /// Whether row `i`'s word is valid UTF-8.
    public func isValidUTF8(at i: Int) -> Bool {
        bytes(at: i).withUnsafeBufferPointer { UTF8Validation.isValid(UnsafeRawBufferPointer($0)) }
    }

    /// The first row whose word is `word`, or nil. - Complexity: O(word length) expected.
    public func index(of word: String) -> Int? {
        var word = word
        return word.withUTF8 { index(ofBytes: UnsafeRawBufferPointer($0)) }
    }

    /// The first row whose word has exactly these bytes, or nil.
    public func index(ofBytes word: UnsafeRawBufferPointer) -> Int? {
        let hash = WordHash.hash(word)
        let table = _tables[Int(hash >> 63)]
        if table.isEmpty { return nil }
        let mask = table.count - 1
        let fingerprint = hash >> 32
        var slot = Int(truncatingIfNeeded: hash) & mask
        return _bytes.withUnsafeBytes { all in
            while true {
                let entry = table[slot]
                if entry == 0 { return nil }
                if entry >> 32 == fingerprint {
                    let row = Int(entry & 0xFFFF_FFFF) - 1
                    let start = _offsets[row], end = _offsets[row + 1]
                    if end - start == word.count
                        && (word.count == 0 || memcmp(all.baseAddress! + start, word.baseAddress!, word.count) == 0) {
                        return row
                    }
                }
                slot = (slot + 1) & mask
            }
        }
    }

    /// Whether `word` is in the vocabulary.
    public func contains(_ word: String) -> Bool { index(of: word) != nil }

    // MARK: index maintenance

    /// Inserts `row` into `table` unless an earlier row has the same bytes; returns that row then.
    func _insert(row: Int, hash: UInt64, into table: UnsafeMutableBufferPointer<UInt64>) -> Int? {
        let mask = table.count - 1
        let fingerprint = hash >> 32
        let start = _offsets[row], length = _offsets[row + 1] - start
        var slot = Int(truncatingIfNeeded: hash) & mask
        return _bytes.withUnsafeBytes { all -> Int? in
            while true {
                let entry = table[slot]
                if entry == 0 {
                    table[slot] = fingerprint << 32 | UInt64(row + 1)
                    return nil
                }
                if entry >> 32 == fingerprint {
                    let other = Int(entry & 0xFFFF_FFFF) - 1
                    let oStart = _offsets[other]
                    if _offsets[other + 1] - oStart == length
                        && (length == 0 || memcmp(all.baseAddress! + oStart, all.baseAddress! + start, length) == 0) {
                        return other
                    }
                }
                slot = (slot + 1) & mask
            }
        }
    }

    mutating func _insertIntoIndex(row: Int) {
        precondition(row < Int(UInt32.max) - 1, "vocabulary larger than 2^32 words")
        let start = _offsets[row], end = _offsets[row + 1]
        let hash = _bytes.withUnsafeBytes { WordHash.hash(UnsafeRawBufferPointer(rebasing: $0[start ..< end])) }
        let part = Int(hash >> 63)
        if (_tableCounts[part] + 1) * 2 > _tables[part].count { _rehash(part, capacity: Self.tableCapacity(for: _tableCounts[part] + 1)) }
        var table = _tables[part]
        _tables[part] = []
        if let first = table.withUnsafeMutableBufferPointer({ _insert(row: row, hash: hash, into: $0) }) {
            duplicates.append((row, first))
        } else {
            _tableCounts[part] += 1
        }
        _tables[part] = table
    }

    private mutating func _rehash(_ part: Int, capacity: Int) {
        var table = [UInt64](repeating: 0, count: max(capacity, _tables[part].count * 2))
        let mask = table.count - 1
        for entry in _tables[part] where entry != 0 {
            let row = Int(entry & 0xFFFF_FFFF) - 1
            let start = _offsets[row], end = _offsets[row + 1]
            let hash = _bytes.withUnsafeBytes { WordHash.hash(UnsafeRawBufferPointer(rebasing: $0[start ..< end])) }
            var slot = Int(truncatingIfNeeded: hash) & mask
            while table[slot] != 0 { slot = (slot + 1) & mask }
            table[slot] = entry
        }
        _tables[part] = table
    }
}

extension Vocabulary: Equatable {
    public static func == (lhs: Vocabulary, rhs: Vocabulary) -> Bool {
        lhs._offsets == rhs._offsets && lhs._bytes == rhs._bytes
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fast non-cryptographic hash of word bytes (8 bytes at a time, multiply-xorshift mixing).
public enum WordHash {
    @inlinable
    public static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: bytes.count)
        var i = 0
        let n = bytes.count
        while i &+ 8 <= n {
            let v = bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            h = (h ^ v) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 31
            i &+= 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < n {
            tail |= UInt64(bytes[i]) << shift
            shift &+= 8
            i &+= 1
        }
        h = (h ^ tail) &* 0x94D0_49BB_1331_11EB
        h ^= h >> 29
        h = h &* 0xBF58_476D_1CE4_E5B9
        return h ^ (h >> 32)
    }
}

/// UTF-8 validation with an ASCII fast path.
public enum UTF8Validation {
    /// Whether `bytes` is well-formed UTF-8 (no overlongs, no surrogates, ≤ U+10FFFF).
    public static func isValid(_ bytes: UnsafeRawBufferPointer) -> Bool {
        firstInvalidOffset(bytes) == nil
    }

    /// The offset of the first byte that starts an ill-formed sequence, or nil when valid.
    public static func firstInvalidOffset(_ bytes: UnsafeRawBufferPointer) -> Int? {
        let n = bytes.count
        var i = 0
        while i < n {
            // ASCII fast path, 8 bytes at a time.
            if i &+ 8 <= n && bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                i &+= 8
                continue
            }
            let b0 = bytes[i]
            if b0 < 0x80 { i &+= 1; continue }
            var need = 0
            var lower: UInt8 = 0x80, upper: UInt8 = 0xBF
            switch b0 {
            case 0xC2 ... 0xDF: need = 1
            case 0xE0: need = 2; lower = 0xA0
            case 0xE1 ... 0xEC, 0xEE ... 0xEF: need = 2
            case 0xED: need = 2; upper = 0x9F
            case 0xF0: need = 3; lower = 0x90
            case 0xF1 ... 0xF3: need = 3
            case 0xF4: need = 3; upper = 0x8F
            default: return i
            }
            if i + need >= n { return i }  // sequence runs past the end
            let b1 = bytes[i + 1]
            if b1 < lower || b1 > upper { return i }
            var k = 2
            while k <= need {
                let b = bytes[i + k]
                if b < 0x80 || b > 0xBF { return i }
                k += 1
            }
            i += need + 1
        }
        return nil
    }
}
