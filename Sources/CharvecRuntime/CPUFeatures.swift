import CSupport

/// What this CPU and its OS can run, read from CPUID and the OS's saved register state (XGETBV)
/// once per process: choices go by feature, never by a table of CPU models.
public enum CPUFeatures {
    /// Whether the AVX-512 C kernels can run: AVX-512 F/VL/DQ/BW and FMA, with the OS saving
    /// the ZMM registers. Modules with such kernels use them only when this is true.
    public static let runsAVX512Kernels = charvec_cpu_runs_avx512_kernels() != 0

    /// The widest usable vector level: 3 AVX-512 (F/DQ/BW/VL, ZMM state), 2 AVX2 + FMA (YMM
    /// state), 1 SSE3 or AVX without FMA, 0 older or not x86-64.
    public static let vectorLevel = Int(charvec_cpu_vector_level())

    /// Whether the CPU has AVX-512 BF16 (Cooper Lake, Sapphire Rapids, Zen 4 and later).
    public static let hasAVX512BF16 = charvec_cpu_has_avx512_bf16() != 0
}
