import Foundation
import MemgateCore
import Testing

/// `memgate accept`: a program whose baseline held 2 MiB now holds 3 MiB, fails the gate, and is
/// accepted with a reason that lands in the baseline file, the Markdown summary and the HTML page.
@Suite struct AcceptCommandTests {
    static let mebibyte: Int64 = 1_048_576

    /// A one-target suite running `hold_bytes <bytes>` (exactly that many bytes at the peak).
    static func writeConfig(bytes: Int64, in workspace: Workspace) throws -> String {
        let holder = RepositoryLayout.root.appendingPathComponent(".build/fixtures/hold_bytes").path
        return try workspace.write(
            """
            version: 1
            baselines: baselines
            targets:
              - name: holder
                command: ["\(holder)", "\(bytes)"]
            """, to: "memgate.yml"
        ).path
    }

    static func memgate(_ arguments: [String], in workspace: Workspace) throws -> ChildProcessResult {
        var environment = try Memgate.childEnvironment()
        // 1 764 115 200 s after 1970 is 2025-11-26 (UTC): the recorded date is reproducible.
        environment["SOURCE_DATE_EPOCH"] = "1764115200"
        return try ChildProcess.run(
            try RepositoryLayout.memgateBinary(), arguments, environment: environment, directory: workspace.url,
            timeoutSeconds: 120)
    }

    @Test func anAcceptedRegressionRecordsItsReasonAndFiguresAndPassesAfterwards() throws {
        let workspace = try Workspace("accept")
        var config = try Self.writeConfig(bytes: 2 * Self.mebibyte, in: workspace)
        let recorded = try Self.memgate(["run", "--config", config, "--update-baselines"], in: workspace)
        #expect(recorded.exitCode == Memgate.Exit.passed, "\(recorded.standardError)")

        config = try Self.writeConfig(bytes: 3 * Self.mebibyte, in: workspace)
        let regressed = try Self.memgate(["run", "--config", config], in: workspace)
        #expect(regressed.exitCode == Memgate.Exit.gateFailed, "\(regressed.standardOutput)")

        let reason = "cache the index: +1 MiB for 10x faster lookups"
        let accepted = try Self.memgate(
            ["accept", "holder", "--config", config, "--reason", reason, "--artifacts", "accepted"], in: workspace)
        #expect(accepted.exitCode == Memgate.Exit.passed, "\(accepted.standardOutput)\(accepted.standardError)")
        let file = workspace.path("baselines/holder.json")
        let baseline = try BaselineCodec.decode(Data(contentsOf: file), path: file.path)
        #expect(baseline.peakBytes == 3 * Self.mebibyte)
        #expect(
            baseline.accepted
                == BaselineAcceptance(
                    reason: reason, date: "2025-11-26",
                    old: .init(
                        peakBytes: 2 * Self.mebibyte, totalBytes: 2 * Self.mebibyte, allocationCount: 1, bytesAtEnd: 0),
                    new: .init(
                        peakBytes: 3 * Self.mebibyte, totalBytes: 3 * Self.mebibyte, allocationCount: 1, bytesAtEnd: 0))
        )
        let summary = try String(contentsOf: workspace.path("accepted/summary.md"), encoding: .utf8)
        #expect(summary.contains("- **holder**: accepted 2025-11-26: \(reason) (peak 2.0 MiB → 3.0 MiB)"))

        // Every later run passes and still shows why the budget grew.
        let after = try Self.memgate(["run", "--config", config, "--artifacts", "after"], in: workspace)
        #expect(after.exitCode == Memgate.Exit.passed, "\(after.standardOutput)")
        let html = try String(contentsOf: workspace.path("after/flamegraphs/holder.html"), encoding: .utf8)
        #expect(html.contains("last accepted</span>accepted 2025-11-26: \(reason) (peak 2.0 MiB → 3.0 MiB)"))
    }

    @Test(
        "bad input exits 2 and writes nothing",
        arguments: [
            (["accept", "holder", "--reason", ""], "--reason must say why"),
            (["accept", "--reason", "x"], "name the targets to accept"),
            (["accept", "nosuch", "--reason", "x"], "no target named 'nosuch'"),
        ])
    func badInput(arguments: [String], message: String) throws {
        let workspace = try Workspace("accept-usage")
        let config = try Self.writeConfig(bytes: Self.mebibyte, in: workspace)
        let run = try Self.memgate(arguments + ["--config", config], in: workspace)
        #expect(run.exitCode == Memgate.Exit.usage)
        #expect(run.standardError.contains(message), "\(run.standardError)")
        #expect(!workspace.exists("baselines/holder.json"))
    }
}
