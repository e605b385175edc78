#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import EmbeddingCore

/// A regular file read at explicit offsets with `pread(2)`, for the array and model formats
/// (whose headers say where the data is). Reads never go past ``size``.
final class RandomAccessFile {
    let path: String
    let fd: Int32
    /// The file's size in bytes.
    let size: Int

    init(path: String) throws {
        self.path = path
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw EmbeddingFileError.cannotRead(path: path, reason: String(cString: strerror(errno))) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw EmbeddingFileError.cannotRead(path: path, reason: "not a regular file")
        }
        size = Int(info.st_size)
    }

    deinit { close(fd) }

    /// Fills `buffer` from `offset`; returns how many bytes were read (fewer only at the end of the file).
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws -> Int {
        var done = 0
        while done < buffer.count {
            let n = pread(fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw EmbeddingFileError.cannotRead(path: path, reason: String(cString: strerror(errno)))
            }
            if n == 0 { break }
            done += n
        }
        return done
    }

    /// Up to `count` bytes from `offset` (fewer at the end of the file).
    func bytes(at offset: Int, count: Int) throws -> [UInt8] {
        let count = max(0, min(count, size - offset))
        var out = [UInt8](repeating: 0, count: count)
        let n = try out.withUnsafeMutableBytes { try read(into: $0, at: offset) }
        out.removeLast(count - n)
        return out
    }

    /// Whether `path` is a regular file whose first bytes are `magic`.
    static func starts(_ path: String, with magic: [UInt8]) -> Bool {
        guard let file = try? RandomAccessFile(path: path), let head = try? file.bytes(at: 0, count: magic.count) else {
            return false
        }
        return head == magic
    }
}

/// Little-endian scalar decoding from byte arrays (checked indexing).
extension Array where Element == UInt8 {
    func littleEndianInteger<T: FixedWidthInteger>(at offset: Int, as type: T.Type = T.self) -> T {
        var value: T = 0
        for i in 0 ..< MemoryLayout<T>.size { value |= T(truncatingIfNeeded: self[offset + i]) << (8 * i) }
        return value
    }
}
