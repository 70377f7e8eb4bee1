import Foundation
import MemgateCore
import MemgateReports
import Testing

private let kibibyte: Int64 = 1024
private let mebibyte: Int64 = 1_048_576

/// pytest targets run in worker processes (pytest-xdist) and with reruns (pytest-rerunfailures):
/// every test is still measured once, from the process that ran it, and a rerun test is
/// measured by its final attempt.
@Suite(.timeLimit(.minutes(3)))
struct PytestWorkersTests {
    /// The test file every run measures: a 2 MiB hold at a known line, a parametrized test
    /// sized by its parameter, and a flaky test whose n-th attempt holds n MiB and which
    /// passes on the third; and a check that xdist was (or was not) in use, as the run expects.
    static let testFile = """
        import os

        import pytest

        HELD = []
        ATTEMPTS = []


        def test_holds_two_mebibytes():
            HELD.append(bytearray(2 * 1024 * 1024))  # the two-mebibyte line


        @pytest.mark.parametrize("kibibytes", [256, 512, 1024])
        def test_sized_by_parameter(kibibytes):
            block = bytearray(kibibytes * 1024)
            assert len(block) == kibibytes * 1024


        @pytest.mark.flaky(reruns=2)
        def test_passes_on_third_attempt():
            attempt = len(ATTEMPTS) + 1
            ATTEMPTS.append(bytearray(1024 * 1024 * attempt))
            assert attempt == 3, "attempt %d" % attempt


        def test_runs_in_the_expected_process():
            worker = os.environ.get("PYTEST_XDIST_WORKER", "")
            assert worker.startswith("gw") == (os.environ["EXPECT_XDIST_WORKER"] == "yes"), repr(worker)
        """

    /// pytest arguments of one run: two xdist workers, or everything in the pytest process.
    struct Mode: Sendable, CustomTestStringConvertible {
        var name: String
        var pytestArguments: [String]
        var runsInWorkers: Bool
        var testDescription: String { name }
    }

    static let modes = [
        Mode(name: "xdist-two-workers", pytestArguments: ["-n", "2", "-p", "xdist"], runsInWorkers: true),
        Mode(name: "single-process", pytestArguments: [], runsInWorkers: false),
    ]

    @Test("every test is measured, with the flaky test's final attempt", arguments: modes)
    func everyTestMeasured(_ mode: Mode) throws {
        let workspace = try Workspace("pytest-\(mode.name)")
        let testPath = try workspace.write(Self.testFile, to: "test_workers.py")
        let argumentsYAML = mode.pytestArguments.map { "\"\($0)\"" }.joined(separator: ", ")
        let config = try workspace.write(
            """
            version: 1
            baselines: baselines
            targets:
              - name: workers
                pytest: .
                args: [\(argumentsYAML)]
                env:
                  EXPECT_XDIST_WORKER: "\(mode.runsInWorkers ? "yes" : "no")"
            """, to: "memgate.yml")
        let json = workspace.path("results.json")

        let run = try Memgate.run(["run", "--config", config.path, "--json", json.path], in: workspace.url)

        let printed = "stdout: \(run.standardOutput)\nstderr: \(run.standardError)"
        #expect(run.exitCode == Memgate.Exit.passed, "\(printed)")
        let suite = try Memgate.suite(at: json)
        let names = suite.cases.map(\.name).sorted()
        #expect(
            names == [
                "test_workers.py::test_holds_two_mebibytes",
                "test_workers.py::test_passes_on_third_attempt",
                "test_workers.py::test_runs_in_the_expected_process",
                "test_workers.py::test_sized_by_parameter[1024]",
                "test_workers.py::test_sized_by_parameter[256]",
                "test_workers.py::test_sized_by_parameter[512]",
            ], "\(printed)")
        for testCase in suite.cases {
            #expect(testCase.target == "workers")
            #expect(testCase.status == .passed, "\(testCase.name): \(testCase.findings)")
            #expect((testCase.profile?.peakBytes ?? 0) > 0, "\(testCase.name) not measured")
        }

        let holding = try #require(suite.case("test_holds_two_mebibytes"))
        let holdingPeak = try #require(holding.profile?.peakBytes)
        #expect(abs(holdingPeak - 2 * mebibyte) <= 64 * kibibyte, "peak \(holdingPeak)")
        let holdLine = try Self.line(containing: "the two-mebibyte line", in: testPath)
        let top = try #require(holding.topSite)
        #expect(top.key.function == "test_holds_two_mebibytes", "top site: \(top.displayName)")
        #expect(top.key.file.hasSuffix("test_workers.py"))
        #expect(top.line == holdLine)
        #expect(top.bytesAtPeak >= 2 * mebibyte)

        for kibibytes: Int64 in [256, 512, 1024] {
            let sized = try #require(suite.case("test_sized_by_parameter[\(kibibytes)]"))
            let peak = try #require(sized.profile?.peakBytes)
            #expect(abs(peak - kibibytes * kibibyte) <= 64 * kibibyte, "[\(kibibytes)] peak \(peak)")
        }

        // Attempts 1 and 2 held 1 and 2 MiB before the final attempt's region began, so they
        // are not part of it: the final attempt alone holds 3 MiB.
        let flaky = try #require(suite.case("test_passes_on_third_attempt"))
        #expect(flaky.status == .passed, "\(flaky.findings)")
        let flakyPeak = try #require(flaky.profile?.peakBytes)
        #expect(abs(flakyPeak - 3 * mebibyte) <= 64 * kibibyte, "peak \(flakyPeak)")
        #expect(abs((flaky.profile?.bytesAtEnd ?? 0) - 3 * mebibyte) <= 64 * kibibyte)
    }

    @Test("a test that kills its xdist worker fails the run instead of vanishing from the results")
    func crashedWorkerFailsTheRun() throws {
        let workspace = try Workspace("pytest-worker-crash")
        try workspace.write(
            """
            import os
            import signal


            def test_survives():
                assert len(bytearray(4096)) == 4096


            def test_kills_its_worker():
                os.kill(os.getpid(), signal.SIGKILL)
            """, to: "test_crash.py")
        let config = try workspace.write(
            """
            version: 1
            baselines: baselines
            targets:
              - name: crashing
                pytest: .
                args: ["-n", "2", "-p", "xdist"]
            """, to: "memgate.yml")
        let json = workspace.path("results.json")

        let run = try Memgate.run(["run", "--config", config.path, "--json", json.path], in: workspace.url)

        let printed = "stdout: \(run.standardOutput)\nstderr: \(run.standardError)"
        let suite = try Memgate.suite(at: json)
        #expect(suite.case("test_survives")?.status == .passed, "\(printed)")
        // pytest exits 1 and reports "worker 'gw…' crashed while running …"; that report is made by
        // the controller, and the plugin records it as the crashed test's failure.
        #expect(run.exitCode == Memgate.Exit.gateFailed, "\(printed)")
        #expect(suite.failedCount >= 1, "cases: \(suite.cases.map { "\($0.name) \($0.status)" })")
    }

    /// The 1-based number of the one line of `file` containing `needle`.
    private static func line(containing needle: String, in file: URL) throws -> Int {
        let lines = try String(contentsOf: file, encoding: .utf8).components(separatedBy: "\n")
        let matches = lines.indices.filter { lines[$0].contains(needle) }
        guard matches.count == 1 else {
            throw SetupError("\(file.path) has \(matches.count) lines containing \(needle.debugDescription)")
        }
        return matches[0] + 1
    }
}
