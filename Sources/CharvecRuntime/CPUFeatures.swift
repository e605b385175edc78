import CSupport

/// What this CPU and its OS can run, read from CPUID and the OS's saved register state (XGETBV)
/// once per process: choices go by feature, never by a table of CPU models.
public enum CPUFeatures {
    /// Whether AVX-512 code can run: AVX-512 F/VL/DQ/BW with AVX2 and FMA, the OS saving the ZMM
    /// registers (``vectorLevel`` 3). The audit's AVX-512 row scan runs only when this is true.
    public static var runsAVX512Kernels: Bool { vectorLevel == 3 }

    /// The widest usable vector level: 3 AVX-512 (F/DQ/BW/VL, ZMM state), 2 AVX2 + FMA (YMM
    /// state), 1 SSE3 or AVX without FMA, 0 older or not x86-64.
    public static let vectorLevel = Int(charvec_cpu_vector_level())

    /// Whether the CPU has AVX-512 BF16 (Cooper Lake, Sapphire Rapids, Zen 4 and later).
    public static let hasAVX512BF16 = charvec_cpu_has_avx512_bf16() != 0
}
