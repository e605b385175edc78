import CSupport

/// Page-level memory operations that Swift's Glibc module does not expose.
public enum VirtualMemory {
    /// Resizes a mapping made with `mmap` from `oldSize` to `newSize` bytes, moving it if it must
    /// (Linux `mremap` with `MREMAP_MAYMOVE`: the kernel moves page tables, not bytes).
    /// - Returns: the new address, or nil on failure (the old mapping is then untouched).
    public static func remap(_ address: UnsafeMutableRawPointer, from oldSize: Int, to newSize: Int) -> UnsafeMutableRawPointer? {
        charvec_mremap(address, oldSize, newSize)
    }
}
