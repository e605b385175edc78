import EmbeddingCore

/// Room for a batch's values when the caller does not keep them (the auditor, the sanitizer).
///
/// ``EmbeddingRecordReader/readBatch(inPlace:destination:_:)`` asks for a pointer that must stay valid
/// while the batch is used. A pointer taken out of an array's `withUnsafeMutableBufferPointer`
/// is undefined behaviour once the closure returns; this class owns its allocation instead, so
/// the pointer it hands out is valid until the next ``pointer(count:)`` call or its deinit.
public final class ScratchBuffer {
    private var storage: UnsafeMutablePointer<Scalar>
    /// Values the current allocation holds.
    public private(set) var capacity: Int

    public init() {
        capacity = 0
        storage = UnsafeMutablePointer<Scalar>.allocate(capacity: 1)
    }

    deinit { storage.deallocate() }

    /// Room for at least `count` values (zero-filled when newly allocated). Invalidates the previous pointer.
    public func pointer(count: Int) -> UnsafeMutablePointer<Scalar> {
        if count > capacity {
            storage.deallocate()
            capacity = count
            storage = UnsafeMutablePointer<Scalar>.allocate(capacity: count)
            storage.initialize(repeating: 0, count: count)
        }
        return storage
    }
}
