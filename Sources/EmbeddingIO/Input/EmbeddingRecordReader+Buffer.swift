#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import EmbeddingCore

extension EmbeddingRecordReader {
    // MARK: buffer management

    /// Moves unread bytes to the front and reads until the buffer is full or the input ends.
    func fill() throws {
        if mapped != nil {
            if !atEOF { try remap(growing: false) }
            return
        }
        if position > 0 {
            let remaining = end - position
            if remaining > 0 { buffer.copyMemory(from: buffer + position, byteCount: remaining) }
            streamOffset += position
            end = remaining
            position = 0
        }
        while end < capacity && !atEOF {
            let n = try source.read(into: UnsafeMutableRawBufferPointer(start: buffer + end, count: capacity - end))
            if n == 0 { atEOF = true } else { end += n }
        }
    }

    /// Doubles the buffer (for a row longer than the chunk).
    func grow() throws {
        if mapped != nil {
            if !atEOF { try remap(growing: true) }
            return
        }
        guard capacity < ReadLimits.maxRowBytes else { throw rowTooLong() }
        let newCapacity = capacity * 2
        let new = UnsafeMutableRawPointer.allocate(byteCount: newCapacity + 64, alignment: 64)
        new.copyMemory(from: buffer + position, byteCount: end - position)
        buffer.deallocate()
        buffer = new
        streamOffset += position
        end -= position
        position = 0
        capacity = newCapacity
    }

    /// Grows the record array, keeping the first `keeping` records.
    func ensureRecordCapacity(_ n: Int, keeping: Int = 0) {
        if n <= recordCapacity { return }
        let newCapacity = max(n, recordCapacity * 2)
        let new = UnsafeMutablePointer<RowRecord>.allocate(capacity: newCapacity)
        if keeping > 0 { new.moveInitialize(from: records, count: keeping) }
        records.deallocate()
        records = new
        recordCapacity = newCapacity
    }
}
