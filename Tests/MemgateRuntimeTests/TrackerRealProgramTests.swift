import Foundation
import MemgateCore
import MemgateRuntime
import Testing

private let mebibyte: Int64 = 1_048_576

/// Regressions for what real programs (Rust, the JVM, daemons, raw clone) did to the tracker:
/// each test reproduces one defect of issue 15 with a program whose allocations are known.
@Suite("tracker on real-program behaviours", .timeLimit(.minutes(3)))
struct TrackerRealProgramTests {
    @Test("threads that call pthread_getattr_np first (Rust, JVM) finish, and their 4 × 1 MiB are counted")
    func getattrInThreadsDoesNotDeadlock() throws {
        try withTemporaryDirectory { directory in
            let run = try TrackedRun.record(
                .native(arguments: [try TrackerTestPaths.fixture("getattr_threads")]), nativeFrames: true,
                in: directory, timeoutSeconds: 20)
            #expect(run.outcome.processEnd == .exited(code: 0), "output: \(run.outcome.outputTail)")
            let profile = try CaptureSet.profile(path: try #require(run.capturePaths.first))
            #expect(profile.completion == .complete)
            let hold = try #require(profile.topSites().first { $0.key.function == "hold_mebibyte" })
            #expect(hold.bytesAtPeak == 4 * mebibyte)
            #expect(hold.allocationsAtPeak == 4)
        }
    }
}
