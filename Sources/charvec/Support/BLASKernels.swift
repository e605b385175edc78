import Foundation
import Tensor
#if canImport(Glibc)
import Glibc
#endif

/// Why OpenBLAS runs the kernels it runs, for `train` and `info --json`.
///
/// OpenBLAS picks its kernels from a table of CPU models when it loads; on a CPU it does not know
/// (or with `OPENBLAS_CORETYPE` pinned to an older family) it runs SSE3 code several times slower.
/// When its choice is narrower than the CPU, charvec sets `OPENBLAS_CORETYPE` and restarts itself
/// once, before any work (``KernelChoice/restartOnBetterKernelsIfNeeded()``, called by `main`). Set
/// `CHARVEC_OPENBLAS_CORETYPE` to force a family (e.g. for comparisons).
enum BLASKernels {
    static let marker = KernelChoice.restartMarker
    static let force = KernelChoice.forceVariable

    /// Why the kernels are what they are, for `train` and `info --json`.
    static var explanation: String {
        let core = BLAS.coreName, level = KernelChoice.cpuLevel
        let cpu = KernelChoice.name(ofLevel: level)
        guard let chosen = ProcessInfo.processInfo.environment[marker] else {
            if let pinned = KernelChoice.forcedCore {
                return "\(force)=\(pinned)"
            }
            return "OpenBLAS's own choice for this \(cpu) CPU"
        }
        let parts = chosen.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        let before = parts.first ?? "?", pinned = parts.count > 1 ? parts[1] : ""
        if let forced = KernelChoice.forcedCore, forced.lowercased() == core.lowercased() {
            return "forced by \(force)=\(forced) (OpenBLAS had chosen \(before))"
        }
        return "chosen from the CPU's features (\(cpu)); OpenBLAS had chosen \(before)"
            + (pinned.isEmpty ? "" : " with OPENBLAS_CORETYPE=\(pinned)")
            + (KernelChoice.level(ofCore: before) > level ? ", whose instructions this CPU lacks" : "")
    }

    /// The kernels in use and why, as `info --json` reports them.
    static var report: [String: Any] {
        var object: [String: Any] = [
            "cpu_vector_level": KernelChoice.name(ofLevel: KernelChoice.cpuLevel), "openblas_core": BLAS.coreName,
            "openblas_reason": explanation, "native_kernels": Kernels.implementation.description,
        ]
        if let problem { object["problem"] = problem }
        return object
    }

    /// A problem worth a note: kernels narrower than the CPU after all (e.g. a BLAS built without
    /// run-time dispatch ignores OPENBLAS_CORETYPE).
    static var problem: String? {
        let core = BLAS.coreName
        guard ProcessInfo.processInfo.environment[force] == nil,
              KernelChoice.level(ofCore: core) < KernelChoice.cpuLevel, KernelChoice.preferredCore != nil else { return nil }
        return "OpenBLAS runs its \(core) kernels on this \(KernelChoice.name(ofLevel: KernelChoice.cpuLevel)) CPU and did not accept "
            + "OPENBLAS_CORETYPE=\(KernelChoice.preferredCore!); install an OpenBLAS built with DYNAMIC_ARCH (Debian's libopenblas0-pthread is)"
    }
}
