import Foundation
import MemgateCore
import Testing

/// pytest-memray's `current_thread_only=True`: allocations of other threads are left out.
@Suite struct ThreadOnlyTests {
    @Test func currentThreadOnlyLeavesOutOtherThreadsAllocations() throws {
        let workspace = try Workspace("thread-only")
        let (run, suite) = try Memgate.runPytestFixture(
            "thread_only_cases.py", as: "test_thread_only.py", target: "thread-only", in: workspace)
        #expect(run.exitCode == Memgate.Exit.gateFailed, "stdout: \(run.standardOutput)")
        let fourMebibytes: Int64 = 4 << 20
        let counted = try #require(
            suite.case("tests/test_thread_only.py::test_background_allocation_counts_by_default"))
        #expect(counted.status == .failed)
        #expect(counted.failures.map(\.kind) == [.limitExceeded])
        #expect((counted.profile?.peakBytes ?? 0) >= fourMebibytes)
        let leftOut = try #require(
            suite.case("tests/test_thread_only.py::test_background_allocation_is_left_out_with_current_thread_only"))
        #expect(leftOut.status == .passed, "\(leftOut.findings)")
        #expect((leftOut.profile?.peakBytes ?? Int64.max) < 64 * 1024)
        let own = try #require(
            suite.case("tests/test_thread_only.py::test_own_allocation_still_counts_with_current_thread_only"))
        #expect(own.status == .failed)
        #expect((own.profile?.peakBytes ?? 0) >= 2 << 20)
    }
}
