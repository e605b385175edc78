import Dispatch
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Two-way fork–join with one persistent helper thread that spin-waits between jobs.
///
/// `DispatchQueue.concurrentPerform` wakes a sleeping worker for every region, which costs as
/// much as the work in a training step's small regions.
/// The helper here spins for up to 0.5 ms after each job before it sleeps, so
/// back-to-back regions start at once. Calls are serialised; a job must not call `run` again.
public final class SpinTeam: @unchecked Sendable {
    /// The process-wide team (its thread starts on first use).
    public static let shared = SpinTeam()

    private let posted = Atomic<Int>(0)     // generation of the latest job
    private let finished = Atomic<Int>(0)   // latest generation the helper completed
    private let sleeping = Atomic<Bool>(false)
    private let wake = DispatchSemaphore(value: 0)
    private let serial = Mutex<Void>(())
    private var job: ((Int) -> Void)?
    /// How long the helper spins for the next job before it sleeps.
    private let spinNanoseconds: UInt64 = 500_000

    private init() {
        let thread = Thread { [unowned self] in self.helperLoop() }
        thread.name = "charvec-spin-team"
        thread.start()
    }

    /// Runs `body(0)` on the caller and `body(1)` on the helper; returns when both are done.
    public func run(_ body: (Int) -> Void) {
        serial.withLock { _ in
            withoutActuallyEscaping(body) { escapable in
                job = escapable
                let generation = posted.load(ordering: .relaxed) + 1
                posted.store(generation, ordering: .sequentiallyConsistent)
                // Pairs with the helper's store of `sleeping` then load of `posted`: one side sees the other.
                if sleeping.load(ordering: .sequentiallyConsistent) { wake.signal() }
                escapable(0)
                // Spin briefly, then yield: the helper may be waiting for this core (busy machine).
                var spins = 0
                while finished.load(ordering: .acquiring) != generation {
                    spins += 1
                    if spins > 20_000 { _ = sched_yield() }
                }
                job = nil
            }
        }
    }

    private func helperLoop() {
        var seen = 0
        while true {
            let start = DispatchTime.now().uptimeNanoseconds
            while posted.load(ordering: .acquiring) == seen {
                if DispatchTime.now().uptimeNanoseconds - start > spinNanoseconds {
                    sleeping.store(true, ordering: .sequentiallyConsistent)
                    if posted.load(ordering: .sequentiallyConsistent) == seen { wake.wait() }
                    sleeping.store(false, ordering: .sequentiallyConsistent)
                    break  // restart the spin window (a stale signal only costs one more loop)
                }
            }
            let generation = posted.load(ordering: .acquiring)
            if generation == seen { continue }
            seen = generation
            job?(1)
            finished.store(generation, ordering: .releasing)
        }
    }
}
