import EmbeddingCore
import XCTest
#if canImport(Glibc)
import Glibc
#endif

final class SpinTeamTests: XCTestCase {
    /// Both parts run, on two different threads, and `run` returns only after both; also after
    /// the helper has gone to sleep (a pause longer than its spin window).
    func testRunsBothPartsOnTwoThreadsAndWaits() {
        let team = SpinTeam.shared
        for round in 0..<400 {
            var done = [0, 0]
            var threads: [pthread_t?] = [nil, nil]
            done.withUnsafeMutableBufferPointer { d in
                threads.withUnsafeMutableBufferPointer { t in
                    let box = (d.baseAddress!, t.baseAddress!)
                    team.run { part in
                        box.1[part] = pthread_self()
                        if part == 1 { usleep(20) }  // the helper finishes last
                        box.0[part] = round + 1
                    }
                }
            }
            XCTAssertEqual(done, [round + 1, round + 1], "round \(round)")
            XCTAssertFalse(pthread_equal(threads[0]!, threads[1]!) != 0, "both parts ran on one thread")
            if round % 100 == 99 { usleep(5_000) }  // longer than the spin window: the helper sleeps
        }
    }
}
