import Synchronization

/// Which implementation of Tensor's element-wise, softmax, optimiser and recurrent gate kernels runs.
public enum KernelImplementation: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    /// The Swift SIMD8 loops (`Kernels/Portable`): every CPU, and the reference for tests.
    case portable
    /// The AVX-512 C kernels (`Kernels/Native.swift`, CKernels): only where ``isAvailable``.
    case native

    /// Whether this CPU and OS can run the implementation (AVX-512 F/VL/DQ/BW and FMA for native).
    public var isAvailable: Bool { self == .portable || NativeKernels.isSupported }

    public var description: String { self == .native ? "AVX-512" : "portable SIMD" }
}

extension Kernels {
    /// The implementation a process runs unless told otherwise: native when the CPU can.
    public static let defaultImplementation: KernelImplementation =
        KernelImplementation.native.isAvailable ? .native : .portable

    /// The current choice. Atomic, because kernels run on the SpinTeam helper and Dispatch
    /// workers too (a task-local value would not reach those threads).
    private static let _selected = Atomic<UInt8>(defaultImplementation.rawValue)

    /// The implementation that runs now: the one decision every kernel entry point reads.
    public static var implementation: KernelImplementation {
        KernelImplementation(rawValue: _selected.load(ordering: .relaxed))!
    }

    /// Whether the AVX-512 kernels run (``implementation`` is ``KernelImplementation/native``).
    @inline(__always)
    static var _native: Bool { _selected.load(ordering: .relaxed) == KernelImplementation.native.rawValue }

    /// Whether this process runs the AVX-512 element-wise kernels (else the portable SIMD8 ones).
    public static var usesNativeKernels: Bool { _native }

    /// Runs `body` with `implementation` selected, then restores the previous choice: how tests
    /// and benchmarks compare the two paths.
    ///
    /// The choice is process-wide: calls must not overlap with other callers that expect a
    /// different implementation (XCTest runs test methods one at a time).
    /// - Precondition: `implementation.isAvailable`.
    public static func withImplementation<R>(_ implementation: KernelImplementation, _ body: () throws -> R) rethrows -> R {
        precondition(implementation.isAvailable,
                     "the AVX-512 kernels need a CPU with AVX-512 F/VL/DQ/BW and FMA")
        let previous = _selected.exchange(implementation.rawValue, ordering: .relaxed)
        defer { _selected.store(previous, ordering: .relaxed) }
        return try body()
    }
}
