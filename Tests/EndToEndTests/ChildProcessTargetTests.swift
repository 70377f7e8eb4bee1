import Foundation
import MemgateCore
import Testing

/// Targets that are process trees, gated end to end: a shell wrapper, `subprocess` and a
/// `multiprocessing.Pool`. Before child tracking, each passed a budget its children broke.
@Suite struct ChildProcessTargetTests {
    static let mebibyte: Int64 = 1 << 20

    @Test func shellWrapperChildBreaksTheBudgetItsShellAloneWouldPass() throws {
        let workspace = try Workspace("child-shell")
        try workspace.write("held = bytearray(30 << 20)\nprint(len(held))\n", to: "app.py")
        let config = try workspace.write(
            """
            version: 1
            baselines: baselines
            targets:
              - name: wrapped-app
                command: ["sh", "-c", "python3 app.py"]
                limit: 10 MB
            """, to: "memgate.yml")
        let json = workspace.path("results.json")

        let run = try Memgate.run(["run", "--config", config.path, "--json", json.path], in: workspace.url)

        #expect(run.exitCode == Memgate.Exit.gateFailed, "stdout: \(run.standardOutput)\nstderr: \(run.standardError)")
        let result = try #require(try Memgate.suite(at: json).case("wrapped-app"))
        #expect(result.failures.map(\.kind) == [.limitExceeded])
        let profile = try #require(result.profile)
        #expect(profile.peakBytes >= 30 * Self.mebibyte)
        let top = try #require(result.topSite)
        #expect(top.bytesAtPeak >= 30 * Self.mebibyte)
        #expect(top.key.process?.hasPrefix("python") == true, "top site: \(top.displayName)")
    }

    @Test func poolWorkersAndSubprocessAreMeasuredInACall() throws {
        let workspace = try Workspace("child-pool")
        try workspace.write(
            """
            import multiprocessing, subprocess, sys

            def work(n):
                block = bytearray(8 << 20)
                return len(block) + n

            def run_all():
                with multiprocessing.get_context("fork").Pool(2) as pool:
                    total = sum(pool.map(work, range(2)))
                subprocess.run([sys.executable, "-c", "b = bytearray(12 << 20)"], check=True)
                return total
            """, to: "pool_app.py")
        let config = try workspace.write(
            """
            version: 1
            baselines: baselines
            targets:
              - name: pool
                python: pool_app.py
                call: "run_all()"
              - name: pool-children-off
                python: pool_app.py
                call: "run_all()"
                children: false
            """, to: "memgate.yml")
        let json = workspace.path("results.json")

        let run = try Memgate.run(["run", "--config", config.path, "--json", json.path], in: workspace.url)

        #expect(run.exitCode == Memgate.Exit.passed, "stdout: \(run.standardOutput)\nstderr: \(run.standardError)")
        let suite = try Memgate.suite(at: json)
        let tracked = try #require(suite.case("pool")?.profile)
        let untracked = try #require(suite.case("pool-children-off")?.profile)
        // Two workers × 8 MiB at once, or the 12 MiB subprocess: the tree held at least 12 MiB.
        #expect(tracked.peakBytes >= 12 * Self.mebibyte, "peak \(tracked.peakBytes)")
        #expect(tracked.topSites().contains { $0.key.function == "work" && $0.key.process != nil })
        #expect(untracked.peakBytes < 4 * Self.mebibyte, "peak \(untracked.peakBytes)")
        #expect(untracked.captureNotices?.contains { $0.contains("ran untracked") } == true)
    }

    /// A fork child's capture names the Python functions its parent's capture already named:
    /// the child once reused the parent's "written" marks and showed such frames as `?`.
    @Test func forkChildNamesFunctionsItsParentAlreadyRan() throws {
        let workspace = try Workspace("child-fork-names")
        try workspace.write(
            """
            import os

            def work(mib):
                block = bytearray(mib << 20)
                return len(block)

            def run_all():
                work(1)
                pid = os.fork()
                if pid == 0:
                    work(16)
                    os._exit(0)
                os.waitpid(pid, 0)
            """, to: "fork_app.py")
        let config = try workspace.write(
            """
            version: 1
            baselines: baselines
            targets:
              - name: forked
                python: fork_app.py
                call: "run_all()"
            """, to: "memgate.yml")
        let json = workspace.path("results.json")

        let run = try Memgate.run(["run", "--config", config.path, "--json", json.path], in: workspace.url)

        #expect(run.exitCode == Memgate.Exit.passed, "stdout: \(run.standardOutput)\nstderr: \(run.standardError)")
        let profile = try #require(try Memgate.suite(at: json).case("forked")?.profile)
        let unnamed = profile.stacks.filter { $0.frames.contains { $0.kind == .python && $0.function == "?" } }
        #expect(unnamed.count == 0, "stacks with unnamed Python frames")
        let top = try #require(profile.topSites().first)
        #expect(top.key.function == "work" && top.key.process != nil, "top site: \(top.displayName)")
        #expect(top.bytesAtPeak >= 16 * Self.mebibyte)
    }
}
