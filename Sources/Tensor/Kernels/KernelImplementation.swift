import Synchronization

/// Which implementation of Tensor's element-wise, softmax, optimiser and recurrent gate kernels runs.
public enum KernelImplementation: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    /// The Swift SIMD8 loops (`Kernels/Portable`): every CPU, and the reference for tests.
    case portable
    /// The C kernels (`Kernels/Native.swift`, CKernels) in their widest tier this CPU supports
    /// (``NativeKernelLevel``): only where ``isAvailable``. They also bring the packed recurrent
    /// GEMM (``PackedOperand``) and the fused contrastive scan (``CandidateScanner``).
    case native

    /// Whether this CPU and OS can run the implementation (for native: AVX2 + FMA at least).
    public var isAvailable: Bool { self == .portable || NativeKernels.isSupported }

    /// "portable SIMD", or for native the tier that runs now (``Kernels/nativeLevelName``).
    public var description: String { self == .native ? Kernels.nativeLevelName : "portable SIMD" }
}

/// A tier of the C kernels: the same kernels compiled for one instruction set, chosen at run time
/// from the CPU's features (CPUID, never a table of CPU models).
public enum NativeKernelLevel: Int, Sendable, CaseIterable, Comparable, CustomStringConvertible {
    /// AVX2 + FMA, 8 lanes (6 × 16 GEMM register block).
    case avx2 = 1
    /// AVX-512 F/VL/DQ/BW + FMA, 16 lanes (12 × 32 GEMM register block).
    case avx512 = 2

    /// Whether this CPU and OS can run the tier.
    public var isAvailable: Bool { rawValue <= NativeKernels.cpuLevel }

    public var description: String { self == .avx512 ? "AVX-512" : "AVX2+FMA" }

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
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

    /// Whether the C kernels run (``implementation`` is ``KernelImplementation/native``).
    @inline(__always)
    static var _native: Bool { _selected.load(ordering: .relaxed) == KernelImplementation.native.rawValue }

    /// Whether this process runs the C kernels (else the portable SIMD8 ones, and BLAS for the
    /// recurrent step products and the contrastive loss).
    public static var usesNativeKernels: Bool { _native }

    /// The tier the C kernels run when selected (nil when the CPU has none).
    public static var nativeLevel: NativeKernelLevel? { NativeKernelLevel(rawValue: NativeKernels.level) }

    /// "AVX-512", "AVX2+FMA" or "none": the tier of ``nativeLevel``.
    public static var nativeLevelName: String { nativeLevel?.description ?? "none" }

    /// Runs `body` with `implementation` selected, then restores the previous choice: how tests
    /// and benchmarks compare the two paths.
    ///
    /// The choice is process-wide: calls must not overlap with other callers that expect a
    /// different implementation (XCTest runs test methods one at a time).
    /// - Precondition: `implementation.isAvailable`.
    public static func withImplementation<R>(_ implementation: KernelImplementation, _ body: () throws -> R) rethrows -> R {
        precondition(implementation.isAvailable, "the C kernels need a CPU with AVX2 and FMA (or AVX-512)")
        let previous = _selected.exchange(implementation.rawValue, ordering: .relaxed)
        defer { _selected.store(previous, ordering: .relaxed) }
        return try body()
    }

    /// Runs `body` with the C kernels in tier `level` (e.g. AVX2 on an AVX-512 machine), then
    /// restores the previous tier; ``implementation`` is left as it is. Process-wide, like
    /// ``withImplementation(_:_:)``. - Precondition: `level.isAvailable`.
    public static func withNativeLevel<R>(_ level: NativeKernelLevel, _ body: () throws -> R) rethrows -> R {
        precondition(level.isAvailable, "this CPU cannot run the \(level) kernels")
        let previous = NativeKernels.level
        NativeKernels.forceLevel(level.rawValue)
        defer { NativeKernels.forceLevel(previous) }
        return try body()
    }
}
