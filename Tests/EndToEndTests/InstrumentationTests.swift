import Foundation
import MemgateCore
import Testing

/// memgate counts none of its own instrumentation in a pytest test (issue 9, point 2): the
/// region opens inside the test function's frame and closes once that frame is gone, so an
/// empty test measures exactly 0 B (the first of the session too, and with native frames), and
/// pytest's frames above the test function are in no stack: the test function is the root; and
/// the line tables Python 3.11 makes for the profile hook are not the test's leaks.
@Suite struct InstrumentationTests {
    @Test func emptyTestsMeasureNothingAndTheTestFunctionIsTheRootFrame() throws {
        let workspace = try Workspace("instrumentation")
        let (run, suite) = try Memgate.runPytestFixture(
            "instrumentation_cases.py", as: "test_instrumentation.py", target: "instrumentation", in: workspace)
        #expect(run.exitCode == Memgate.Exit.passed, "stdout: \(run.standardOutput)\nstderr: \(run.standardError)")
        #expect(suite.cases.count == 8, "\(suite.cases.map(\.name))")

        for name in [
            "test_empty_first_of_the_session", "test_empty_second", "test_empty_with_a_fixture",
            "test_empty_with_native_frames", "TestEmpty::test_empty_method",
        ] {
            let test = try #require(suite.case(name))
            let profile = try #require(test.profile, "\(name) has no profile")
            #expect(profile.peakBytes == 0, "\(name): peak \(profile.peakBytes)")
            #expect(profile.totalBytes == 0, "\(name): total \(profile.totalBytes)")
            #expect(profile.allocationCount == 0, "\(name): \(profile.allocationCount) allocations")
            #expect(profile.bytesAtEnd == 0, "\(name): \(profile.bytesAtEnd) B at the end")
        }

        let helper = try #require(suite.case("test_keeps_through_a_helper")?.profile)
        #expect(helper.bytesAtEnd >= 100_000, "kept \(helper.bytesAtEnd)")
        for stack in helper.stacks {
            let outermost = stack.frames.first { $0.kind == .python }  // frames are outermost first
            #expect(outermost?.function == "test_keeps_through_a_helper", "\(stack.frames)")
            #expect(
                !stack.frames.contains { ($0.file ?? "").contains("_pytest") || ($0.file ?? "").contains("pluggy") })
        }

        // Only what `keep` kept is still live: the line table Python 3.11 gives `keep`'s code when
        // the profile hook first sees it called would be charged to the test's line.
        for stack in helper.stacks where stack.bytesAtEnd > 0 {
            #expect(stack.frames.last { $0.kind == .python }?.function == "keep", "\(stack.frames)")
        }

        // The region closes after the frame has dropped its locals: a local is not a leak, even
        // when dropping one runs a Python finalizer.
        for name in [
            "test_local_is_freed_when_the_function_returns", "test_locals_with_a_finalizer_are_freed_inside_the_region",
        ] {
            let local = try #require(suite.case(name)?.profile)
            #expect(local.peakBytes >= 100_000, "\(name)")
            #expect(local.bytesAtEnd == 0, "\(name): \(local.bytesAtEnd) B at the end")
        }
    }
}
