import CSupport

/// Asks the CPU to load the cache line holding `address` ahead of a read (no fault on bad
/// addresses, no effect on results). Swift has no prefetch intrinsic; the C header's inline
/// `__builtin_prefetch` compiles to one instruction once this is inlined into the caller's loop.
@inlinable @inline(__always)
public func prefetchForReading(_ address: UnsafeRawPointer) {
    charvec_prefetch(address)
}
