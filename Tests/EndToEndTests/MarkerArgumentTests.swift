import Foundation
import MemgateCore
import Testing

/// A pytest-memray marker argument memgate cannot honour is an error of that test, never
/// ignored: `Tests/Fixtures/EndToEnd/invalid_marker_cases.py` under memgate.
@Suite struct MarkerArgumentTests {
    /// Test name → the problem its finding must name (after the marker as written).
    static let problems: [(test: String, marker: String, problem: String)] = [
        ("test_unknown_keyword", "limit_memory(limit='1 MB', typo=True)", "unknown keyword argument 'typo'"),
        ("test_int_limit", "limit_memory(1024)", "limit must be a size string such as \"1 MB\", not int"),
        ("test_bad_size_text", "limit_leaks(location_limit=\"1 QB\")", "invalid size \"1 QB\": unknown unit \"QB\""),
        ("test_old_size_keyword", "limit_memory(size='1 MB')", "unknown keyword argument 'size'"),
        ("test_missing_size", "limit_leaks()", "missing the location_limit argument"),
        (
            "test_bad_filter_and_thread_flag", "limit_leaks('1 MB', filter_fn='yes', current_thread_only=1)",
            "current_thread_only must be True or False, not int"
        ),
        ("test_size_twice", "limit_memory('1 MB', limit='2 MB')", "limit given both positionally and as a keyword"),
        ("test_leaked_objects_count", "limit_leaked_objects(3)", "takes no positional arguments, got 1"),
    ]

    @Test func everyArgumentMemgateCannotHonourFailsItsTestNamingTestAndArgument() throws {
        let workspace = try Workspace("invalid-markers")
        let (run, suite) = try Memgate.runPytestFixture(
            "invalid_marker_cases.py", as: "test_invalid_markers.py", target: "markers", in: workspace)
        #expect(run.exitCode == Memgate.Exit.gateFailed, "stdout: \(run.standardOutput)\nstderr: \(run.standardError)")
        #expect(suite.cases.count == Self.problems.count + 1, "\(suite.cases.map(\.name))")

        for (test, marker, problem) in Self.problems {
            let result = try #require(suite.case(test), "\(suite.cases.map(\.name))")
            #expect(result.status == .failed, "\(test)")
            #expect(Set(result.failures.map(\.kind)) == [.markerInvalid], "\(test): \(result.failures)")
            #expect(result.budget.limitBytes == nil && result.budget.leakLimitBytes == nil, "\(test)")
            let prefix = "invalid memray marker on tests/test_invalid_markers.py::\(test): \(marker): "
            #expect(
                result.failures.contains { $0.message.hasPrefix(prefix) && $0.message.contains(problem) },
                "\(test): \(result.failures.map(\.message))")
        }

        let valid = try #require(suite.case("test_valid_keywords_still_apply"))
        #expect(valid.failures.map(\.kind) == [.limitExceeded], "\(valid.findings)")
        #expect(valid.budget.limitBytes == 1024)
    }
}
