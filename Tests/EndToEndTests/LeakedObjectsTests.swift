import Foundation
import MemgateCore
import Testing

/// pytest-memray's `limit_leaked_objects(*, filter_fn=None)` end to end, with exact counts: the
/// plugin counts, in the test process, the Python objects a test created that the garbage
/// collector still reaches after `gc.collect()` (memgate_objects.py), passes each to filter_fn,
/// and memgate fails the test when any is kept.
@Suite struct LeakedObjectsTests {
    @Test func survivingObjectsAreCountedExactlyAndFilterFnExcusesThem() throws {
        let workspace = try Workspace("leaked-objects")
        let (run, suite) = try Memgate.runPytestFixture(
            "leaked_objects_cases.py", as: "test_leaked_objects.py", target: "leaked-objects", in: workspace)
        #expect(run.exitCode == Memgate.Exit.gateFailed, "stdout: \(run.standardOutput)\nstderr: \(run.standardError)")
        #expect(suite.cases.count == 6, "\(suite.cases.map(\.name))")

        let expectations: [(test: String, messages: [String])] = [
            ("test_keeps_nothing", []),
            (
                "test_keeps_three_widgets",
                ["limit_leaked_objects: 6 Python objects created by the test survived it (3 Widget, 3 int)"]
            ),
            (
                "test_keeps_a_list_of_two_new_strings",
                ["limit_leaked_objects: 3 Python objects created by the test survived it (2 str, 1 list)"]
            ),
            (
                "test_filter_keeps_only_lists",
                ["limit_leaked_objects: 1 Python object created by the test survived it (1 list)"]
            ),
            ("test_filter_excuses_widgets", []),
            (
                "test_filter_that_raises",
                [
                    "limit_leaked_objects: 2 Python objects created by the test survived it (1 Widget, 1 int)",
                    "limit_leaked_objects: filter_fn raised ZeroDivisionError: division by zero",
                ]
            ),
        ]
        for (name, messages) in expectations {
            let test = try #require(suite.case(name))
            #expect(test.failures.map(\.message) == messages, "\(name)")
            #expect(test.status == (messages.isEmpty ? .passed : .failed), "\(name): \(test.findings)")
        }
    }
}
