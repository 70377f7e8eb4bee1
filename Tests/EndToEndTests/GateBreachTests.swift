import Foundation
import MemgateCore
import Testing

/// The Fibonacci exercise end to end: the list version breaks its 100 KB budget by three
/// orders of magnitude, the generator version stays under it, run after run.
@Suite struct GateBreachTests {
    static let script = "ci/targets/fibonacci.py"
    static let mebibyte: Int64 = 1024 * 1024

    @Test func listVersionBreaksItsBudgetAndNamesTheAppendLine() throws {
        let workspace = try Workspace("breach")
        let config = RepositoryLayout.root.appendingPathComponent("ci/exercises/fibonacci-list.yml").path
        let artifacts = workspace.path("artifacts")

        let run = try Memgate.run(
            ["run", "--config", config, "--artifacts", artifacts.path], in: RepositoryLayout.root)

        #expect(run.exitCode == Memgate.Exit.gateFailed, "stderr: \(run.standardError)")
        #expect(run.standardOutput.contains("100.0 KiB"), "stdout: \(run.standardOutput)")
        let suite = try Memgate.suite(at: artifacts.appendingPathComponent("results.json"))
        let result = try #require(suite.case("fibonacci-list"))
        #expect(result.status == .failed)
        let profile = try #require(result.profile)
        #expect(profile.peakBytes > 100 * Self.mebibyte)
        #expect(result.failures.first?.kind == .limitExceeded)
        #expect(result.failures.first?.bytes == profile.peakBytes - 102_400)
        let appendLine = try RepositoryLayout.lineNumber(of: "numbers.append(", in: Self.script)
        let top = try #require(result.topSite)
        #expect(top.key.function == "fibonacci_list")
        #expect(top.key.file.hasSuffix("fibonacci.py"))
        #expect(top.line == appendLine)
        #expect(top.bytesAtPeak * 100 > profile.peakBytes * 99)
    }

    @Test func generatorVersionStaysUnderItsBudget() throws {
        let workspace = try Workspace("generator")
        let config = try Self.writeGeneratorConfig(in: workspace)

        let run = try Memgate.run(
            ["run", "--config", config.path, "--json", workspace.path("results.json").path], in: workspace.url)

        #expect(run.exitCode == Memgate.Exit.passed, "stdout: \(run.standardOutput)\nstderr: \(run.standardError)")
        let result = try #require(try Memgate.suite(at: workspace.path("results.json")).case("fibonacci-generator"))
        #expect(result.status == .passed)
        #expect(result.failures.isEmpty)
        let peak = try #require(result.profile?.peakBytes)
        #expect(peak > 0)
        #expect(peak < 102_400)
    }

    @Test func generatorPeakIsIdenticalAcrossFiveRuns() throws {
        let workspace = try Workspace("generator-repeat")
        let config = try Self.writeGeneratorConfig(in: workspace)
        var peaks: [Int64] = []
        for index in 1...5 {
            let json = workspace.path("results-\(index).json")
            let run = try Memgate.run(["run", "--config", config.path, "--json", json.path], in: workspace.url)
            #expect(run.exitCode == Memgate.Exit.passed, "run \(index): \(run.standardOutput)")
            peaks.append(try #require(try Memgate.suite(at: json).case("fibonacci-generator")?.profile?.peakBytes))
        }
        #expect(Set(peaks).count == 1, "peaks differ between runs: \(peaks)")
    }

    /// A config measuring `fibonacci_hash_generator(33333, 30000, 34567)` against 100 KB.
    private static func writeGeneratorConfig(in workspace: Workspace) throws -> URL {
        let script = RepositoryLayout.root.appendingPathComponent(script).path
        return try workspace.write(
            """
            version: 1
            baselines: baselines
            targets:
              - name: fibonacci-generator
                python: \(script)
                call: "fibonacci_hash_generator(33333, 30000, 34567)"
                limit: 100 KB
            """, to: "suite/memgate.yml")
    }
}
