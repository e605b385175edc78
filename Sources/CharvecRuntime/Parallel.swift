import Dispatch

/// Runs `body(0..<parts)` on up to `parts` threads and waits. Work must be split coarsely:
/// waking a sleeping worker costs as much as a small region's work.
public func parallelFor(_ parts: Int, _ body: (Int) -> Void) {
    if parts <= 1 { body(0); return }
    withoutActuallyEscaping(body) { escapable in
        let box = _UncheckedSendable(escapable)
        DispatchQueue.concurrentPerform(iterations: parts) { box.value($0) }
    }
}

/// Lets pointers and closures that are used from disjoint index ranges cross threads.
public struct _UncheckedSendable<T>: @unchecked Sendable {
    public var value: T
    public init(_ value: T) { self.value = value }
}
