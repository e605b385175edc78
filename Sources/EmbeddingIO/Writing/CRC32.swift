import CZlib

/// A running CRC-32 (zlib's), the checksum of charvec's model and checkpoint files.
/// - Complexity: O(bytes), at zlib's speed.
public struct CRC32: Sendable, Equatable {
    public private(set) var value: UInt32 = 0

    public init() {}

    /// Adds the bytes of `values` (in memory order) to the checksum.
    public mutating func update<T: BitwiseCopyable>(_ values: [T]) {
        values.withUnsafeBytes { update(raw: $0) }
    }

    /// Adds the bytes of `values` (in memory order) to the checksum.
    public mutating func update<T: BitwiseCopyable>(_ values: ArraySlice<T>) {
        values.withUnsafeBytes { update(raw: $0) }
    }

    private mutating func update(raw: UnsafeRawBufferPointer) {
        var crc = uLong(value), offset = 0
        while offset < raw.count {  // zlib's length is 32-bit
            let n = min(raw.count - offset, 1 << 30)
            crc = CZlib.crc32(crc, raw.baseAddress!.advanced(by: offset).assumingMemoryBound(to: Bytef.self), uInt(n))
            offset += n
        }
        value = UInt32(truncatingIfNeeded: crc)
    }
}
