#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CharvecRuntime
import CZlib

/// Why an output file could not be written.
public enum EmbeddingWriteError: Error, Equatable, Sendable, CustomStringConvertible {
    case cannotWrite(path: String, reason: String)
    /// A word that the format cannot hold: empty, or containing whitespace or a control byte.
    case unwritableWord(path: String, row: Int, word: String, reason: String)
    case compressionFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .cannotWrite(let path, let reason): return "\(path): error: cannot write: \(reason)"
        case .unwritableWord(let path, let row, let word, let reason):
            return "\(path): error: row \(row + 1), word '\(word)': \(reason)"
        case .compressionFailed(let path, let reason): return "\(path): error: gzip compression failed: \(reason)"
        }
    }

    public var hint: String? {
        switch self {
        case .cannotWrite: return "check that the directory exists and is writable"
        case .unwritableWord:
            return "word2vec and GloVe files separate words from values by a space; 'charvec sanitize' can drop or rename such rows"
        case .compressionFailed: return nil
        }
    }
}

/// A file written to a temporary name beside its destination and renamed into place by
/// ``commit()``, so an interrupted run never leaves a partial file under the final name and
/// never destroys the previous one. `-` writes to standard output directly.
public final class OutputFile {
    public let path: String
    let temporaryPath: String?
    let fd: Int32
    var committed = false
    /// Slot of the temporary file among those an interrupted CLI deletes (-1: none).
    var interruptSlot: Int32 = -1
    var buffer: [UInt8] = []
    static let flushSize = 1 << 20
    var deflater: Deflater?

    /// Opens the output; with `gzip`, bytes are compressed (level 6, one gzip member).
    public init(path: String, gzip: Bool = false) throws {
        self.path = path
        if path == "-" {
            fd = 1
            temporaryPath = nil
        } else {
            let directory: String
            let name: String
            if let slash = path.lastIndex(of: "/") {
                directory = String(path[..<slash]).isEmpty ? "/" : String(path[..<slash])
                name = String(path[path.index(after: slash)...])
            } else {
                directory = "."
                name = path
            }
            var template = Array("\(directory)/.\(name).tmp-XXXXXX".utf8CString)
            let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            guard descriptor >= 0 else {
                throw EmbeddingWriteError.cannotWrite(path: path, reason: String(cString: strerror(errno)))
            }
            fchmod(descriptor, 0o644)
            fd = descriptor
            temporaryPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            interruptSlot = InterruptCleanup.remember(temporaryPath!)
        }
        buffer.reserveCapacity(Self.flushSize + 65536)
        if gzip { deflater = try Deflater(path: path) }
    }

    deinit {
        if !committed, let temporaryPath {
            close(fd)
            unlink(temporaryPath)
        }
        InterruptCleanup.forget(interruptSlot)
    }

    /// Appends bytes (buffered).
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        if deflater == nil && bytes.count >= Self.flushSize {  // large blocks go straight to the file
            try flush()
            try writeRaw(bytes)
            return
        }
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.flushSize { try flush() }
    }

    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    public func write(_ string: String) throws {
        var string = string
        try string.withUTF8 { try write(UnsafeRawBufferPointer($0)) }
    }

    /// Appends bytes produced in place by `body` (which returns how many it wrote, at most `capacity`).
    public func write(reserving capacity: Int, _ body: (UnsafeMutableRawBufferPointer) throws -> Int) throws {
        let start = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: capacity))
        let written = try buffer.withUnsafeMutableBytes { try body(UnsafeMutableRawBufferPointer(rebasing: $0[start...])) }
        buffer.removeLast(capacity - written)
        if buffer.count >= Self.flushSize { try flush() }
    }

    func flush() throws {
        if buffer.isEmpty { return }
        if let deflater {
            try buffer.withUnsafeBytes { try deflater.compress($0, finish: false) { try writeRaw($0) } }
        } else {
            try buffer.withUnsafeBytes { try writeRaw($0) }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    func writeRaw(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw EmbeddingWriteError.cannotWrite(path: path, reason: String(cString: strerror(errno)))
            }
            offset += n
        }
    }

    /// Flushes, syncs and renames the temporary file into place.
    ///
    /// With `durable: false` the data are not forced to the disk first: the rename is still atomic
    /// for every process (no reader sees a partial file, an interruption leaves the previous one),
    /// but a power loss may lose the new file. For files rewritten often and only needed to
    /// continue a run (training checkpoints of hundreds of MB on a slow disk).
    public func commit(durable: Bool = true) throws {
        try flush()
        if let deflater {
            try deflater.compress(UnsafeRawBufferPointer(start: nil, count: 0), finish: true) { try writeRaw($0) }
        }
        guard let temporaryPath else { committed = true; return }
        guard !durable || fsync(fd) == 0 || errno == EINVAL else {
            throw EmbeddingWriteError.cannotWrite(path: path, reason: String(cString: strerror(errno)))
        }
        close(fd)
        let renamed = rename(temporaryPath, path) == 0
        let reason = String(cString: strerror(errno))
        InterruptCleanup.forget(interruptSlot)
        interruptSlot = -1
        committed = true
        guard renamed else {
            unlink(temporaryPath)
            throw EmbeddingWriteError.cannotWrite(path: path, reason: reason)
        }
    }
}

/// zlib deflate producing one gzip member.
final class Deflater {
    var stream = z_stream()
    let path: String
    let output = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 18, alignment: 16)

    init(path: String, level: Int32 = 6) throws {
        self.path = path
        // 15 + 16: maximum window, gzip wrapper.
        let status = deflateInit2_(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                                   ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            output.deallocate()
            throw EmbeddingWriteError.compressionFailed(path: path, reason: "deflateInit2 returned \(status)")
        }
    }

    deinit {
        deflateEnd(&stream)
        output.deallocate()
    }

    func compress(_ input: UnsafeRawBufferPointer, finish: Bool, sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.avail_in = UInt32(input.count)
        while true {
            stream.next_out = output.baseAddress!.assumingMemoryBound(to: Bytef.self)
            stream.avail_out = UInt32(output.count)
            let status = deflate(&stream, finish ? Z_FINISH : Z_NO_FLUSH)
            guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
                throw EmbeddingWriteError.compressionFailed(path: path, reason: "deflate returned \(status)")
            }
            let produced = output.count - Int(stream.avail_out)
            if produced > 0 { try sink(UnsafeRawBufferPointer(rebasing: output[..<produced])) }
            if finish { if status == Z_STREAM_END { return } } else if stream.avail_in == 0 && stream.avail_out > 0 { return }
        }
    }
}
