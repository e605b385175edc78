#if canImport(Glibc)
import Glibc
#endif
import EmbeddingCore
import EmbeddingIO

// File format, version 1 (all integers little-endian):
//
//   offset size  field
//   0      8     magic "CVHNSW\0\1"
//   8      4     format version (UInt32) = 1
//   12     4     dimensions (UInt32)
//   16     8     rows (UInt64)
//   24     4     M, links per node on layers ≥ 1 (UInt32)
//   28     4     M0, links per node on layer 0 (UInt32)
//   32     4     top layer (Int32, −1 for an empty graph)
//   36     4     efConstruction (UInt32, informational)
//   40     8     entry point row (Int64, −1 for an empty graph)
//   48     8     upper-layer link slots (UInt64)
//   56     8     checksum: FNV-1a 64 over the payload read as little-endian UInt64 words
//   64     …     payload: the graph block described in HNSWGraph.swift (vectors, levels,
//                upperOffsets, layer0, upperLinks; each section padded to 8 bytes)
//
// The file is written through EmbeddingIO's OutputFile (a temporary file beside it, renamed into
// place and removed if the command is interrupted), so a reader never sees a half-written index.

/// Why an HNSW index file could not be saved or loaded.
public enum HNSWFileError: Error, Equatable, CustomStringConvertible {
    case cannotOpen(path: String, errno: Int32)
    case tooSmall(path: String, size: Int)
    case badMagic(path: String)
    case unsupportedVersion(path: String, found: UInt32, highestSupported: UInt32)
    case invalidHeader(path: String, byteOffset: Int, reason: String)
    case sizeMismatch(path: String, expected: Int, found: Int)
    case checksumMismatch(path: String, expected: UInt64, found: UInt64)
    /// A link, level or offset outside the graph; `byteOffset` is its position in the file.
    case corruptGraph(path: String, byteOffset: Int, reason: String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let e): return "\(path): cannot open (\(String(cString: strerror(e))))"
        case .tooSmall(let path, let size): return "\(path): \(size) bytes is too small for an HNSW index (header is 64)"
        case .badMagic(let path): return "\(path): not an HNSW index file (bad magic number)"
        case .unsupportedVersion(let path, let found, let highest):
            return "\(path): format version \(found) is newer than the highest supported (\(highest)); upgrade charvec"
        case .invalidHeader(let path, let offset, let reason): return "\(path):byte \(offset): invalid header: \(reason)"
        case .sizeMismatch(let path, let expected, let found):
            return "\(path): expected \(expected) bytes from the header, found \(found); the file is truncated or padded"
        case .checksumMismatch(let path, let expected, let found):
            return "\(path): checksum 0x\(String(found, radix: 16)) != 0x\(String(expected, radix: 16)) from the header; the file is corrupt"
        case .corruptGraph(let path, let offset, let reason): return "\(path):byte \(offset): corrupt graph: \(reason)"
        }
    }
}

extension HNSWIndex {
    static let _magic: [UInt8] = [0x43, 0x56, 0x48, 0x4E, 0x53, 0x57, 0x00, 0x01]  // "CVHNSW\0\1"
    /// The format version this code writes and the highest it reads.
    public static let fileFormatVersion: UInt32 = 1
    static let _headerSize = 64

    /// FNV-1a 64 over `byteCount / 8` little-endian words (a word-wise variant of
    /// Fowler–Noll–Vo, ~8× faster than byte-wise). `byteCount` is a multiple of 8.
    static func _checksum(_ base: UnsafeRawPointer, _ byteCount: Int) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        var offset = 0
        while offset < byteCount {
            hash ^= UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            hash &*= 0x0000_0100_0000_01B3
            offset &+= 8
        }
        return hash
    }

    /// Writes the index to `path` (atomically: a temporary file renamed into place).
    /// - Throws: `EmbeddingWriteError` (the shared atomic writer's).
    /// - Complexity: O(file size).
    public func save(to path: String) throws {
        let layout = _storage.layout
        var header = [UInt8](repeating: 0, count: Self._headerSize)
        func put<T: FixedWidthInteger>(_ value: T, at offset: Int) {
            withUnsafeBytes(of: value.littleEndian) { header.replaceSubrange(offset ..< offset + $0.count, with: $0) }
        }
        header.replaceSubrange(0 ..< 8, with: Self._magic)
        put(Self.fileFormatVersion, at: 8)
        put(UInt32(layout.dimensions), at: 12)
        put(UInt64(layout.rows), at: 16)
        put(UInt32(layout.m), at: 24)
        put(UInt32(layout.m0), at: 28)
        put(Int32(maxLevel), at: 32)
        put(UInt32(parameters.efConstruction), at: 36)
        put(Int64(entryPoint), at: 40)
        put(UInt64(layout.upperLinkCount), at: 48)
        put(Self._checksum(_storage.base, layout.byteCount), at: 56)

        let file = try OutputFile(path: path)
        try header.withUnsafeBytes { try file.write($0) }
        try withExtendedLifetime(_storage) {
            try file.write(UnsafeRawBufferPointer(start: _storage.base, count: layout.byteCount))
        }
        try file.commit()
    }

    /// Memory-maps an index written by ``save(to:)`` and validates it: magic, version,
    /// header fields, file size, checksum, then every level, offset and link.
    /// - Throws: ``HNSWFileError``; a corrupt file never crashes.
    /// - Complexity: O(file size) (checksum and bounds checks read every page once).
    public static func load(from path: String) throws -> HNSWIndex {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw HNSWFileError.cannotOpen(path: path, errno: errno) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw HNSWFileError.cannotOpen(path: path, errno: errno) }
        let size = Int(info.st_size)
        guard size >= _headerSize else { throw HNSWFileError.tooSmall(path: path, size: size) }
        guard let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), mapped != MAP_FAILED else {
            throw HNSWFileError.cannotOpen(path: path, errno: errno)
        }
        do {
            let (layout, m, maxLevel, efConstruction, entry) = try _validate(UnsafeRawPointer(mapped), size: size, path: path)
            let storage = _HNSWStorage(base: mapped + _headerSize, layout: layout) { pointer, _ in
                munmap(pointer - _headerSize, size)
            }
            return HNSWIndex(storage: storage,
                             parameters: HNSWParameters(maxConnections: m, efConstruction: efConstruction, seed: 0),
                             entryPoint: entry, maxLevel: maxLevel)
        } catch {
            munmap(mapped, size)
            throw error
        }
    }

    static func _validate(_ file: UnsafeRawPointer, size: Int, path: String) throws
        -> (_HNSWLayout, m: Int, maxLevel: Int, efConstruction: Int, entry: Int) {
        func load<T: FixedWidthInteger>(_ offset: Int, as: T.Type) -> T {
            T(littleEndian: file.loadUnaligned(fromByteOffset: offset, as: T.self))
        }
        guard (0 ..< 8).allSatisfy({ file.load(fromByteOffset: $0, as: UInt8.self) == _magic[$0] }) else {
            throw HNSWFileError.badMagic(path: path)
        }
        let version = load(8, as: UInt32.self)
        guard version >= 1 && version <= fileFormatVersion else {
            throw HNSWFileError.unsupportedVersion(path: path, found: version, highestSupported: fileFormatVersion)
        }
        let dimensions = Int(load(12, as: UInt32.self)), rows64 = load(16, as: UInt64.self)
        let m = Int(load(24, as: UInt32.self)), m0 = Int(load(28, as: UInt32.self))
        let maxLevel = Int(load(32, as: Int32.self)), efConstruction = Int(load(36, as: UInt32.self))
        let entry64 = load(40, as: Int64.self), upper64 = load(48, as: UInt64.self)
        func header(_ offset: Int, _ reason: String) -> HNSWFileError {
            .invalidHeader(path: path, byteOffset: offset, reason: reason)
        }
        guard dimensions > 0 else { throw header(12, "dimensions is 0") }
        guard rows64 < UInt64(Int32.max) else { throw header(16, "\(rows64) rows exceed the Int32 link range") }
        guard m >= 2 && m0 >= m && m0 <= 1 << 16 else { throw header(24, "links per node M = \(m), M0 = \(m0)") }
        guard maxLevel >= -1 && maxLevel <= 64 else { throw header(32, "top layer \(maxLevel)") }
        guard efConstruction >= 1 else { throw header(36, "efConstruction is 0") }
        guard upper64 < UInt64(Int.max / 8) else { throw header(48, "\(upper64) upper link slots") }
        let rows = Int(rows64), entry = Int(entry64)
        guard (entry == -1 && maxLevel == -1) || (entry >= 0 && entry < rows && maxLevel >= 0) else {
            throw header(40, "entry point \(entry) with top layer \(maxLevel) for \(rows) rows")
        }
        guard let layout = _HNSWLayout(rows: rows, dimensions: dimensions, m: m, m0: m0, upperLinkCount: Int(upper64)),
              size - _headerSize == layout.byteCount else {
            let expected = _HNSWLayout(rows: rows, dimensions: dimensions, m: m, m0: m0, upperLinkCount: Int(upper64))
                .map { $0.byteCount + _headerSize } ?? Int.max
            throw HNSWFileError.sizeMismatch(path: path, expected: expected, found: size)
        }
        let payload = file + _headerSize
        let stored = load(56, as: UInt64.self), actual = _checksum(payload, layout.byteCount)
        guard stored == actual else { throw HNSWFileError.checksumMismatch(path: path, expected: stored, found: actual) }

        // Bounds: a checksum only proves the file is what some writer wrote, not that it is sane.
        let graph = _HNSWGraph(base: UnsafeMutableRawPointer(mutating: payload), layout: layout)
        func corrupt(_ pointer: UnsafeRawPointer, _ reason: String) -> HNSWFileError {
            .corruptGraph(path: path, byteOffset: pointer - file, reason: reason)
        }
        if entry >= 0 && Int(graph.levels[entry]) != maxLevel {
            throw corrupt(graph.levels + entry, "entry point \(entry) is on layer \(graph.levels[entry]), not \(maxLevel)")
        }
        for node in 0 ..< rows {
            let level = Int(graph.levels[node])
            guard level >= -1 && level <= maxLevel else {
                throw corrupt(graph.levels + node, "row \(node) on layer \(level), top is \(maxLevel)")
            }
            let offset = graph.upperOffsets[node]
            if level >= 1 {
                guard offset >= 0, offset <= upper64, Int(offset) + level * (m + 1) <= layout.upperLinkCount else {
                    throw corrupt(graph.upperOffsets + node, "row \(node) upper links at \(offset) out of range")
                }
            } else if offset != -1 {
                throw corrupt(graph.upperOffsets + node, "row \(node) on layer \(level) has upper links")
            }
            for l in 0 ... max(level, 0) {
                let block = graph.links(node, l), count = Int(block[0])
                guard count >= 0 && count <= graph.maxLinks(l) && (level >= 0 || count == 0) else {
                    throw corrupt(block, "row \(node) has \(count) links on layer \(l)")
                }
                for i in 0 ..< count {
                    let target = Int(block[1 + i])
                    guard target >= 0 && target < rows && Int(graph.levels[target]) >= l else {
                        throw corrupt(block + 1 + i, "row \(node) links to \(target) on layer \(l)")
                    }
                }
            }
        }
        return (layout, m, maxLevel, efConstruction, entry)
    }
}
