import Foundation
import MemgateCore
import MemgateReports
import Testing

/// CLI conventions: shared options mean the same in every command, durations use the config's
/// grammar, and exit codes never collide with a target's own status.
@Suite struct CommandLineTests {
    private func suite(_ workspace: Workspace) throws -> URL {
        try workspace.write(
            "version: 1\nbaselines: baselines\ntargets:\n  - name: quick\n    command: [\"/bin/true\"]\n",
            to: "memgate.yml")
    }

    @Test func timeoutTakesTheConfigDurationGrammar() throws {
        let workspace = try Workspace("cli-timeout")
        let config = try suite(workspace)
        let good = try Memgate.run(["run", "--config", config.path, "--timeout", "2m"], in: workspace.url)
        #expect(good.exitCode == Memgate.Exit.passed, "\(good.standardError)")
        let bad = try Memgate.run(["run", "--config", config.path, "--timeout", "2x"], in: workspace.url)
        #expect(bad.exitCode == Memgate.Exit.usage)
        #expect(bad.standardError.contains("--timeout"), "\(bad.standardError)")
    }

    @Test func jsonDashWritesTheResultsToStandardOutputInRunAndReport() throws {
        let workspace = try Workspace("cli-json")
        let config = try suite(workspace)
        let run = try Memgate.run(["run", "--config", config.path, "--json", "-"], in: workspace.url)
        #expect(run.exitCode == Memgate.Exit.passed, "\(run.standardError)")
        let suites = try JSONResults.decode(Data(run.standardOutput.utf8))
        #expect(suites.first?.cases.map(\.name) == ["quick"])
        #expect(run.standardError.contains("PASS quick"))

        let capture = workspace.path("true.mgc")
        let record = try Memgate.run(["record", "-o", capture.path, "--", "/bin/true"], in: workspace.url)
        #expect(record.exitCode == Memgate.Exit.passed, "\(record.standardError)")
        let file = workspace.path("profile.json")
        let report = try Memgate.run(["report", capture.path, "--json", file.path], in: workspace.url)
        #expect(report.exitCode == Memgate.Exit.passed, "\(report.standardError)")
        let profile = try JSONDecoder().decode(Profile.self, from: Data(contentsOf: file))
        #expect(profile.peakBytes >= 0)
    }

    /// A command's own 2 or 3 must not read as memgate's usage or internal error.
    @Test(arguments: [Int32(1), 2, 3, 4])
    func recordMapsAFailingCommandToOne(status: Int32) throws {
        let workspace = try Workspace("cli-record-status")
        let run = try Memgate.run(
            ["record", "-o", workspace.path("x.mgc").path, "--", "/bin/sh", "-c", "exit \(status)"], in: workspace.url)
        #expect(run.exitCode == Memgate.Exit.gateFailed, "\(run.standardError)")
        #expect(run.standardError.contains("command exited with status \(status)"), "\(run.standardError)")
    }

    @Test func parsingErrorsAreUsageErrorsAndHelpIsNot() throws {
        let workspace = try Workspace("cli-usage")
        #expect(try Memgate.run(["run", "--no-such-option"], in: workspace.url).exitCode == Memgate.Exit.usage)
        #expect(try Memgate.run(["report"], in: workspace.url).exitCode == Memgate.Exit.usage)
        #expect(try Memgate.run(["run", "--jobs", "0"], in: workspace.url).exitCode == Memgate.Exit.usage)
        #expect(try Memgate.run(["--help"], in: workspace.url).exitCode == Memgate.Exit.passed)
        #expect(
            try Memgate.run(["report", "/nonexistent.mgc"], in: workspace.url).exitCode == Memgate.Exit.internalFailure)
    }
}
