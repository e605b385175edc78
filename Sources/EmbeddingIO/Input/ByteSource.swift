#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CZlib
import Foundation

/// A forward-only stream of bytes (a file, standard input, or a decompressor over one).
public protocol ByteSource: AnyObject {
    /// Reads up to `buffer.count` bytes; returns 0 only at the end of the stream.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

/// Reads a file descriptor with `read(2)`.
public final class FileByteSource: ByteSource {
    public let path: String
    let fd: Int32
    let ownsDescriptor: Bool
    /// Bytes read so far.
    public private(set) var offset = 0
    /// The file's size when it is a regular file (nil for pipes and standard input).
    public let regularFileSize: Int?

    /// Opens `path`, or standard input when `path` is `-`.
    public init(path: String) throws {
        self.path = path
        if path == "-" {
            fd = 0
            ownsDescriptor = false
        } else {
            fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else {
                throw EmbeddingFileError.cannotRead(path: path, reason: String(cString: strerror(errno)))
            }
            ownsDescriptor = true
        }
        var info = stat()
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG {
            regularFileSize = Int(info.st_size)
        } else if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            if ownsDescriptor { close(fd) }
            throw EmbeddingFileError.cannotRead(path: path, reason: "is a directory")
        } else {
            regularFileSize = nil
        }
        #if canImport(Glibc)
        if regularFileSize != nil { _ = posix_fadvise(fd, 0, 0, Int32(POSIX_FADV_SEQUENTIAL)) }
        #endif
    }

    deinit { if ownsDescriptor { close(fd) } }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        while true {
            let n = Glibc.read(fd, base, buffer.count)
            if n >= 0 { offset += n; return n }
            if errno == EINTR { continue }
            throw EmbeddingFileError.cannotRead(path: path, reason: String(cString: strerror(errno)))
        }
    }
}

/// Inflates a gzip stream (RFC 1952), including several concatenated members as `gzip`
/// and `cat a.gz b.gz` produce. Zero padding after the last member is ignored.
public final class GzipByteSource: ByteSource {
    let inner: ByteSource
    let path: String
    var stream = z_stream()
    var input: UnsafeMutableRawBufferPointer
    var inputEnd = false
    var finished = false
    /// Compressed bytes consumed so far.
    public private(set) var compressedOffset = 0

    /// Wraps `inner`; `prefix` holds bytes already read from it (the sniffed magic).
    public init(inner: ByteSource, path: String, prefix: [UInt8]) throws {
        self.inner = inner
        self.path = path
        input = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1 << 20, prefix.count), alignment: 16)
        prefix.withUnsafeBytes { input.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: prefix.count) }
        stream.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.avail_in = UInt32(prefix.count)
        // 15 + 32: maximum window, detect the gzip header automatically.
        let status = inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            input.deallocate()
            throw EmbeddingFileError.corruptGzip(path: path, compressedOffset: 0, reason: "zlib could not start (\(status))")
        }
    }

    deinit {
        inflateEnd(&stream)
        input.deallocate()
    }

    private func refill() throws {
        let remaining = Int(stream.avail_in)
        if remaining > 0, let next = stream.next_in {
            input.baseAddress!.copyMemory(from: next, byteCount: remaining)
        }
        let n = try inner.read(into: UnsafeMutableRawBufferPointer(rebasing: input[remaining...]))
        if n == 0 { inputEnd = true }
        stream.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.avail_in = UInt32(remaining + n)
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0, !finished else { return 0 }
        stream.next_out = base.assumingMemoryBound(to: Bytef.self)
        stream.avail_out = UInt32(min(buffer.count, Int(UInt32.max)))
        let capacity = Int(stream.avail_out)
        while stream.avail_out > 0 {
            if stream.avail_in == 0 && !inputEnd { try refill() }
            let before = Int(stream.avail_in)
            let status = inflate(&stream, Z_NO_FLUSH)
            compressedOffset += before - Int(stream.avail_in)
            switch status {
            case Z_OK:
                continue
            case Z_STREAM_END:
                // Another member may follow; otherwise only zero padding is allowed.
                if stream.avail_in == 0 && !inputEnd { try refill() }
                if stream.avail_in == 0 { finished = true; return capacity - Int(stream.avail_out) }
                let next = stream.next_in!
                if next[0] == 0x1F && (stream.avail_in < 2 || next[1] == 0x8B) {
                    inflateReset(&stream)
                    continue
                }
                if try restIsZeroPadding() { finished = true; return capacity - Int(stream.avail_out) }
                throw EmbeddingFileError.corruptGzip(path: path, compressedOffset: compressedOffset,
                                                     reason: "unexpected bytes after the end of the gzip stream")
            case Z_BUF_ERROR:
                if inputEnd && stream.avail_in == 0 {
                    throw EmbeddingFileError.truncatedGzip(path: path, compressedBytes: compressedOffset)
                }
                if stream.avail_in == 0 { try refill(); continue }
                throw EmbeddingFileError.corruptGzip(path: path, compressedOffset: compressedOffset, reason: "no progress")
            case Z_DATA_ERROR:
                let reason = stream.msg.map { String(cString: $0) } ?? "invalid compressed data"
                throw EmbeddingFileError.corruptGzip(path: path, compressedOffset: compressedOffset, reason: reason)
            case Z_MEM_ERROR:
                throw EmbeddingFileError.corruptGzip(path: path, compressedOffset: compressedOffset, reason: "out of memory")
            default:
                throw EmbeddingFileError.corruptGzip(path: path, compressedOffset: compressedOffset, reason: "zlib status \(status)")
            }
        }
        return capacity
    }

    private func restIsZeroPadding() throws -> Bool {
        while true {
            let n = Int(stream.avail_in)
            if let next = stream.next_in {
                for i in 0 ..< n where next[i] != 0 { return false }
            }
            stream.avail_in = 0
            if inputEnd { return true }
            try refill()
            if stream.avail_in == 0 { return true }
        }
    }
}

/// Runs another source on a background thread, a few chunks ahead, so that inflating
/// (one core) overlaps with parsing (the other core).
public final class PrefetchingByteSource: ByteSource, @unchecked Sendable {
    private let inner: ByteSource
    private let chunkSize: Int
    private let condition = NSCondition()
    private var ready: [(UnsafeMutableRawBufferPointer, Int)] = []
    private var free: [UnsafeMutableRawBufferPointer] = []
    private var failure: Error?
    private var done = false
    private var stopping = false
    private var current: (UnsafeMutableRawBufferPointer, Int)?
    private var currentPosition = 0
    private var thread: Thread?

    public init(inner: ByteSource, chunkSize: Int = 4 << 20, depth: Int = 3) {
        self.inner = inner
        self.chunkSize = chunkSize
        for _ in 0 ..< depth {
            free.append(UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 64))
        }
        let thread = Thread { [unowned self] in self.produce() }
        thread.stackSize = 1 << 20
        self.thread = thread
        thread.start()
    }

    deinit {
        // `produce` holds no strong reference; wait until it has returned before freeing.
        condition.lock()
        stopping = true
        condition.broadcast()
        while !done { condition.wait() }
        condition.unlock()
        for (buffer, _) in ready { buffer.deallocate() }
        for buffer in free { buffer.deallocate() }
        if let (buffer, _) = current { buffer.deallocate() }
    }

    private func produce() {
        while true {
            condition.lock()
            while free.isEmpty && !stopping { condition.wait() }
            if stopping { done = true; condition.broadcast(); condition.unlock(); return }
            let buffer = free.removeLast()
            condition.unlock()
            var filled = 0
            var error: Error?
            do {
                while filled < chunkSize {
                    let n = try inner.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
                    if n == 0 { break }
                    filled += n
                }
            } catch let e { error = e }
            condition.lock()
            if filled > 0 { ready.append((buffer, filled)) } else { free.append(buffer) }
            if error != nil || filled < chunkSize {
                failure = error
                done = true
                condition.broadcast()
                condition.unlock()
                return
            }
            condition.broadcast()
            condition.unlock()
        }
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard buffer.count > 0 else { return 0 }
        if current == nil {
            condition.lock()
            while ready.isEmpty && !done { condition.wait() }
            if ready.isEmpty {
                condition.unlock()
                if let failure { throw failure }
                return 0
            }
            current = ready.removeFirst()
            currentPosition = 0
            condition.unlock()
        }
        let (chunk, length) = current!
        let n = min(buffer.count, length - currentPosition)
        buffer.baseAddress!.copyMemory(from: chunk.baseAddress! + currentPosition, byteCount: n)
        currentPosition += n
        if currentPosition == length {
            condition.lock()
            free.append(chunk)
            current = nil
            condition.broadcast()
            condition.unlock()
        }
        return n
    }
}

/// An input file opened for reading, decompressed when its first bytes are the gzip magic.
public struct OpenedInput {
    public let path: String
    public let source: ByteSource
    public let isGzip: Bool
    /// Size on disk (compressed size for gzip), nil for pipes.
    public let fileSize: Int?
    /// Bytes already taken from `source` while sniffing (the caller must use them first).
    public let head: [UInt8]

    /// Opens `path` (`-` = standard input) and sniffs the gzip magic `1f 8b`.
    /// - Parameter prefetch: inflate on a background thread (for long reads).
    public static func open(_ path: String, prefetch: Bool = true) throws -> OpenedInput {
        let file = try FileByteSource(path: path)
        var head = [UInt8](repeating: 0, count: 2)
        var got = 0
        while got < 2 {
            let n = try head.withUnsafeMutableBytes { try file.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[got...])) }
            if n == 0 { break }
            got += n
        }
        head.removeLast(2 - got)
        if got == 2 && head[0] == 0x1F && head[1] == 0x8B {
            let gzip = try GzipByteSource(inner: file, path: path, prefix: head)
            let source: ByteSource = prefetch ? PrefetchingByteSource(inner: gzip) : gzip
            return OpenedInput(path: path, source: source, isGzip: true, fileSize: file.regularFileSize, head: [])
        }
        return OpenedInput(path: path, source: file, isGzip: false, fileSize: file.regularFileSize, head: head)
    }
}
