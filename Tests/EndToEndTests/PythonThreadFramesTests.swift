import Foundation
import MemgateCore
import Testing

/// Issue 15 point 8: every Python thread gets Python frames — threads started inside the measured
/// region, threads started before it, and threads of pytest tests — so each thread's allocation
/// is under its own function and line and `ignore:` globs reach it.
@Suite struct PythonThreadFramesTests {
    static let fixture = "Tests/Fixtures/EndToEnd/thread_frames.py"
    /// Four blocks of `bytearray(4 MiB)`: 4 MiB + 1 B of buffer plus a 56 B object each.
    static let fourBlocksBytes: Int64 = 4 * ((4 << 20) + 1 + 56)

    @Test(arguments: [nil, "hold_in_threads(new_workers(4))", "hold_in_threads(started_workers(4))"])
    func everyThreadsBlockIsUnderItsPythonFunctionAndLine(pythonCall: String?) throws {
        let workspace = try Workspace("thread-frames")
        let script = try workspace.copyFixture("thread_frames.py")
        let recording = try Memgate.record(["python3", script.path], pythonCall: pythonCall, in: workspace)
        #expect(recording.run.exitCode == 0, "\(recording.run.standardError)")
        let profile = try #require(recording.profile, "\(recording.run.standardError)")
        let holdLine = try RepositoryLayout.lineNumber(of: "block = bytearray(", in: Self.fixture)
        #expect(profile.bytesAtPeak(innermost: "hold", line: holdLine) == Self.fourBlocksBytes)
        if pythonCall != nil {
            // Thread start-up before a thread's first Python call is all that may stay outside.
            #expect(profile.bytesAtPeakOutsidePythonFrames < 256 << 10)
            #expect(profile.peakBytes < Self.fourBlocksBytes + (256 << 10))
        }
    }

    @Test func ignoreGlobsLeaveOutEveryThreadsAllocations() throws {
        let workspace = try Workspace("thread-frames-ignore")
        try workspace.copyFixture("thread_frames.py")
        let config = try workspace.write(
            """
            version: 1
            baselines: baselines
            targets:
              - name: threads-in-region
                python: thread_frames.py
                call: "hold_in_threads(new_workers(4))"
                ignore: ["hold"]
              - name: threads-before-region
                python: thread_frames.py
                call: "hold_in_threads(started_workers(4))"
                ignore: ["hold"]
            """, to: "memgate.yml")
        let json = workspace.path("results.json")
        let run = try Memgate.run(["run", "--config", config.path, "--json", json.path], in: workspace.url)
        #expect(run.exitCode == Memgate.Exit.passed, "\(run.standardOutput)\n\(run.standardError)")
        let suite = try Memgate.suite(at: json)
        for name in ["threads-in-region", "threads-before-region"] {
            let result = try #require(suite.case(name))
            let peak = try #require(result.profile?.peakBytes)
            #expect(peak < 256 << 10, "\(name): \(peak) B at the peak")
        }
    }

    @Test func pytestTestsThreadsGetPythonFrames() throws {
        let workspace = try Workspace("thread-frames-pytest")
        try workspace.copyFixture("thread_frames.py", to: "tests/thread_frames.py")
        let (run, suite) = try Memgate.runPytestFixture(
            "thread_frames_cases.py", as: "test_thread_frames.py", target: "thread-frames", in: workspace)
        #expect(run.exitCode == Memgate.Exit.passed, "\(run.standardOutput)\n\(run.standardError)")
        let holdLine = try RepositoryLayout.lineNumber(of: "block = bytearray(", in: Self.fixture)
        for name in ["test_threads_started_in_the_test", "test_threads_started_before_the_test"] {
            let result = try #require(suite.case(name))
            let profile = try #require(result.profile)
            #expect(profile.bytesAtPeak(innermost: "hold", line: holdLine) == Self.fourBlocksBytes, "\(name)")
            #expect(profile.bytesAtPeakOutsidePythonFrames < 256 << 10, "\(name)")
        }
    }
}
