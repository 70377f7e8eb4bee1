import Foundation
import MemgateCore
import MemgateReports
import Testing

/// pytest-memray's `limit_leaks(size, filter_fn=…)` end to end: the plugin runs the filter in
/// the test process over each leaking location's Python frames, and memgate gates on what it keeps.
@Suite struct LeakFilterTests {
    static let fixturePath = "Tests/Fixtures/EndToEnd/leak_filter_cases.py"

    @Test func filterKeepsOnlyLeaksFromTheNamedFunctionAndARaisingFilterFailsTheTest() throws {
        let workspace = try Workspace("leak-filter")
        let (run, suite) = try Memgate.runPytestFixture(
            "leak_filter_cases.py", as: "test_leak_filter.py", target: "leak-filter", in: workspace)

        #expect(run.exitCode == Memgate.Exit.gateFailed, "stdout: \(run.standardOutput)\nstderr: \(run.standardError)")
        #expect(suite.cases.count == 3, "\(suite.cases.map(\.name))")

        let cacheLine = try RepositoryLayout.lineNumber(of: "_CACHE.append(", in: Self.fixturePath)
        let kept = try #require(suite.case("test_leak_kept_by_the_filter"))
        #expect(kept.status == .failed)
        #expect(kept.failures.map(\.kind) == [.leakLimitExceeded])
        let keptFailure = try #require(kept.failures.first)
        #expect(keptFailure.site?.function == "leak_into_cache")
        #expect(
            keptFailure.message.hasPrefix("limit_leaks: 2.0 MiB leaked from leak_into_cache @ "),
            "\(keptFailure.message)")
        #expect(
            keptFailure.message.hasSuffix(
                "test_leak_filter.py:\(cacheLine) after filter_fn (limit 1.0 MiB per location)"),
            "\(keptFailure.message)")
        let keptBytes = try #require(keptFailure.bytes)
        #expect(keptBytes >= 2 * 1024 * 1024 && keptBytes < 2 * 1024 * 1024 + 64 * 1024, "kept \(keptBytes)")

        let filteredOut = try #require(suite.case("test_leak_filtered_out"))
        #expect(filteredOut.status == .passed, "\(filteredOut.findings)")
        // The leak is still measured; only the verdict ignores it.
        #expect((filteredOut.profile?.bytesAtEnd ?? 0) >= 2 * 1024 * 1024)

        let raising = try #require(suite.case("test_filter_that_raises"))
        #expect(raising.status == .failed)
        // The location the filter failed on counts as kept, so the leak is reported too.
        #expect(raising.failures.map(\.kind) == [.leakLimitExceeded, .testFailed])
        #expect(raising.failures.last?.message == "limit_leaks filter_fn raised: ZeroDivisionError: division by zero")
    }
}
