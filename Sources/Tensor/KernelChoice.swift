import CharvecRuntime
#if canImport(Glibc)
import Glibc
#endif

/// Which OpenBLAS kernels suit this CPU, decided from its features (CPUID), never from a table
/// of CPU models: a BLAS that does not know a new CPU falls back to its oldest kernels.
///
/// OpenBLAS reads its choice once, when it is loaded (the `OPENBLAS_CORETYPE` environment
/// variable overrides its model table), so a program that wants another choice sets the
/// variable and restarts itself; the `charvec` command does that at start.
public enum KernelChoice {
    /// The CPU's vector level: 3 AVX-512, 2 AVX2 + FMA, 1 SSE3/AVX, 0 older.
    public static var cpuLevel: Int { CPUFeatures.vectorLevel }

    /// A name for a vector level.
    public static func name(ofLevel level: Int) -> String {
        switch level {
        case 3: return "AVX-512"
        case 2: return "AVX2+FMA"
        case 1: return "SSE3"
        default: return "baseline x86-64"
        }
    }

    /// The vector level an OpenBLAS kernel family uses (by its core name, case-insensitive).
    public static func level(ofCore name: String) -> Int {
        switch name.lowercased() {
        case "skylakex", "cooperlake", "sapphirerapids": return 3
        case "haswell", "zen": return 2
        case "sandybridge", "nehalem", "core2", "penryn", "dunnington", "prescott", "atom", "barcelona",
             "bulldozer", "piledriver", "steamroller", "excavator", "opteron", "opteron_sse3", "nano": return 1
        default: return 0
        }
    }

    /// The OpenBLAS kernel family for this CPU's features, or nil when there is nothing better
    /// than OpenBLAS's own baseline: Cooperlake with AVX-512 BF16, SkylakeX with AVX-512, Haswell
    /// with AVX2 + FMA.
    public static var preferredCore: String? {
        switch cpuLevel {
        case 3: return CPUFeatures.hasAVX512BF16 ? "Cooperlake" : "SkylakeX"
        case 2: return "Haswell"
        default: return nil
        }
    }

    /// The core to restart OpenBLAS with when its current kernels use a narrower vector level
    /// than the CPU has, or a wider one than it can run (`OPENBLAS_CORETYPE=SkylakeX` on an AVX2
    /// CPU: an illegal instruction at the first GEMM); nil when the current choice fits.
    public static func betterCore(than current: String) -> String? {
        betterCore(than: current, cpuLevel: cpuLevel, preferred: preferredCore)
    }

    /// ``betterCore(than:)`` for a CPU of vector level `cpuLevel` whose preferred family is
    /// `preferred`. A CPU of level 1 falls back to Prescott (SSE3); below that nothing is known safe.
    public static func betterCore(than current: String, cpuLevel: Int, preferred: String?) -> String? {
        let currentLevel = level(ofCore: current)
        if currentLevel > cpuLevel { return preferred ?? (cpuLevel == 1 ? "Prescott" : nil) }
        guard let preferred, currentLevel < level(ofCore: preferred) else { return nil }
        return preferred
    }

    /// Environment variable set on the restarted process: `previous core|previous OPENBLAS_CORETYPE`.
    public static let restartMarker = "CHARVEC_OPENBLAS_CHOSEN"
    /// Environment variable that forces an OpenBLAS family (e.g. for comparisons).
    public static let forceVariable = "CHARVEC_OPENBLAS_CORETYPE"

    /// The family ``forceVariable`` forces, or nil when it is unset, empty, or names a family this
    /// CPU cannot run (which is not honoured).
    public static var forcedCore: String? {
        guard let value = getenv(forceVariable).map({ String(cString: $0) }), !value.isEmpty,
              level(ofCore: value) <= cpuLevel else { return nil }
        return value
    }

    /// For an executable's first line: when OpenBLAS's kernels are narrower than the CPU (or
    /// differ from a forced family), sets `OPENBLAS_CORETYPE` and replaces the process with a
    /// fresh copy of itself (same binary and arguments); otherwise returns. Runs at most once per
    /// process chain; if `exec` fails it returns and OpenBLAS keeps its own choice.
    public static func restartOnBetterKernelsIfNeeded() {
        guard getenv(restartMarker) == nil else { return }
        let current = BLAS.coreName
        let wanted: String
        if let forced = forcedCore {
            guard forced.lowercased() != current.lowercased() else { return }
            wanted = forced
        } else {
            guard let better = betterCore(than: current) else { return }
            wanted = better
        }
        let pinned = getenv("OPENBLAS_CORETYPE").map { String(cString: $0) } ?? ""
        setenv(restartMarker, "\(current)|\(pinned)", 1)
        setenv("OPENBLAS_CORETYPE", wanted, 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        unsetenv(restartMarker)
    }
}
