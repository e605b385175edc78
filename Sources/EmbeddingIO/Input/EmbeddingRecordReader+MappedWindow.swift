#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import EmbeddingCore

extension EmbeddingRecordReader {
    // MARK: memory-mapped binary input

    /// The default window (32 MiB) is large enough for few remaps and small enough to keep the
    /// peak memory at the matrix plus one window.
    static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    /// Switches to reading through a map from the current position; stays with `read(2)` if
    /// the map fails.
    func mapFile(fd: Int32, size: Int, window length: Int) {
        let absolute = streamOffset + position
        guard let window = mapWindow(fd: fd, size: size, at: absolute, length: length) else { return }
        buffer.deallocate()
        install(window, fd: fd, size: size, at: absolute, length: length)
    }

    /// Maps `length` bytes (fewer at the end of the file) from the page holding `absolute`.
    func mapWindow(fd: Int32, size: Int, at absolute: Int, length: Int) -> (UnsafeMutableRawPointer, Int, Int)? {
        var aligned = absolute & ~(Self.pageSize - 1)
        if aligned >= size { aligned = max(0, (size - 1) & ~(Self.pageSize - 1)) }
        let count = min(length, size - aligned)
        guard count > 0 else { return nil }
        #if canImport(Glibc)
        let flags = MAP_PRIVATE | MAP_POPULATE
        #else
        let flags = MAP_PRIVATE
        #endif
        guard let base = mmap(nil, count, PROT_READ, flags, fd, off_t(aligned)), base != MAP_FAILED else { return nil }
        return (base, aligned, count)
    }

    func install(_ window: (UnsafeMutableRawPointer, Int, Int), fd: Int32, size: Int, at absolute: Int, length: Int) {
        let (base, aligned, count) = window
        buffer = base
        capacity = length
        streamOffset = aligned
        position = absolute - aligned
        end = count
        atEOF = aligned + count >= size
        mapped = (fd, size, count)
    }

    /// Moves the window to start at the first unread byte; doubles it when that gains nothing
    /// (a row longer than the window).
    func remap(growing: Bool) throws {
        guard let current = mapped else { return }
        let absolute = streamOffset + position
        var length = capacity
        if growing || (absolute & ~(Self.pageSize - 1)) == streamOffset {
            guard length < ReadLimits.maxRowBytes else { throw rowTooLong() }
            length *= 2
        }
        guard let window = mapWindow(fd: current.fd, size: current.fileSize, at: absolute, length: length) else {
            throw EmbeddingFileError.cannotRead(path: path, reason: "mmap failed: \(String(cString: strerror(errno)))")
        }
        munmap(buffer, current.length)
        install(window, fd: current.fd, size: current.fileSize, at: absolute, length: length)
    }
}
