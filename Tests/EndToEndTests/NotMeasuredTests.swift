import Foundation
import MemgateCore
import Testing

/// A target the tracker could not see to its end is never a pass and never a baseline: a
/// statically linked program run directly, and a launcher that drops LD_PRELOAD and execs.
@Suite struct NotMeasuredTests {
    @Test func unreachableProgramsFailAsNotMeasuredAndWriteNoBaseline() throws {
        let workspace = try Workspace("not-measured")
        let fixtures = RepositoryLayout.root.appendingPathComponent(".build/fixtures")
        let staticProgram = fixtures.appendingPathComponent("exact_peak_static").path
        let launcher = fixtures.appendingPathComponent("exec_without_preload").path
        let dynamicProgram = fixtures.appendingPathComponent("exact_peak").path
        let config = try workspace.write(
            """
            version: 1
            baselines: baselines
            targets:
              - name: static-program
                command: ["\(staticProgram)"]
              - name: preload-dropped
                command: ["\(launcher)", "\(dynamicProgram)"]
            """, to: "memgate.yml")
        let json = workspace.path("results.json")

        let run = try Memgate.run(
            ["run", "--config", config.path, "--update-baselines", "--json", json.path], in: workspace.url)

        #expect(run.exitCode == Memgate.Exit.gateFailed, "stdout: \(run.standardOutput)\nstderr: \(run.standardError)")
        let suite = try Memgate.suite(at: json)
        let staticCase = try #require(suite.case("static-program"))
        #expect(staticCase.status == .failed)
        #expect(
            staticCase.failures.map(\.message)
                == ["not measured: \(staticProgram) is statically linked; LD_PRELOAD cannot reach it"])
        let droppedCase = try #require(suite.case("preload-dropped"))
        #expect(droppedCase.status == .failed)
        #expect(droppedCase.failures.map(\.kind) == [.notMeasured])
        #expect(droppedCase.failures.first?.message.contains("LD_PRELOAD was removed") == true)
        #expect(run.standardOutput.contains("not measured"), "stdout: \(run.standardOutput)")
        let written = (try? FileManager.default.contentsOfDirectory(atPath: workspace.path("baselines").path)) ?? []
        #expect(written.isEmpty, "baselines written: \(written)")
    }

    /// A child that exec'd a program the tracker reaches, but ended before that program ran
    /// (the loader gave up; a leftover killed mid-exec looks the same): nothing went unmeasured,
    /// so the case passes, with a notice. Before: "not measured … a statically linked or
    /// setuid program?", which also made `setsid daemon &` targets fail at random.
    @Test func aChildEndedWhileExecingAReachableProgramIsNotUnmeasured() throws {
        let workspace = try Workspace("ended-in-exec")
        let program = RepositoryLayout.root.appendingPathComponent(".build/fixtures/needs_missing_library").path
        let config = try workspace.write(
            """
            version: 1
            baselines: baselines
            targets:
              - name: background-child
                command: ["/bin/sh", "-c", "\(program) & wait"]
            """, to: "memgate.yml")
        let json = workspace.path("results.json")

        let run = try Memgate.run(["run", "--config", config.path, "--json", json.path], in: workspace.url)

        #expect(run.exitCode == Memgate.Exit.passed, "stdout: \(run.standardOutput)\nstderr: \(run.standardError)")
        let profile = try #require(try Memgate.suite(at: json).case("background-child")?.profile)
        #expect(profile.unmeasuredReason == nil)
        #expect(
            profile.captureNotices?.contains {
                $0.hasSuffix("ended while starting \(program), before that program ran")
            } == true)
    }
}
