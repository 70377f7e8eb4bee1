import Foundation
import MemgateCore
import Testing

/// `--ratchet` and `ratchet: true`: a program that held 2 MiB when its baseline was recorded and
/// now holds 1 MiB passes with a stale notice, fails under the ratchet until the baseline is
/// updated, and passes again afterwards.
@Suite struct RatchetTests {
    static let mebibyte: Int64 = 1_048_576

    /// A one-target suite running `hold_bytes <bytes>` (exactly that many bytes at the peak).
    static func writeConfig(bytes: Int64, ratchet: Bool, in workspace: Workspace) throws -> String {
        let holder = RepositoryLayout.root.appendingPathComponent(".build/fixtures/hold_bytes").path
        let defaults = ratchet ? "defaults:\n  ratchet: true\n" : ""
        return try workspace.write(
            """
            version: 1
            baselines: baselines
            \(defaults)targets:
              - name: holder
                command: ["\(holder)", "\(bytes)"]
            """, to: "memgate.yml"
        ).path
    }

    static func run(_ arguments: [String], in workspace: Workspace) throws -> (Int32, CaseResult, String) {
        let json = workspace.path("results-\(UUID().uuidString.prefix(8)).json")
        let run = try Memgate.run(arguments + ["--json", json.path], in: workspace.url)
        let output = run.standardOutput + run.standardError
        let result = try #require(try Memgate.suite(at: json).case("holder"), "\(output)")
        return (run.exitCode, result, output)
    }

    @Test func aStaleBaselineFailsUnderTheRatchetUntilItIsUpdated() throws {
        let workspace = try Workspace("ratchet")
        var config = try Self.writeConfig(bytes: 2 * Self.mebibyte, ratchet: false, in: workspace)
        let recorded = try Self.run(["run", "--config", config, "--update-baselines"], in: workspace)
        #expect(recorded.0 == Memgate.Exit.passed, "\(recorded.2)")
        #expect(recorded.1.baseline?.peakBytes == 2 * Self.mebibyte)

        config = try Self.writeConfig(bytes: Self.mebibyte, ratchet: false, in: workspace)
        let plain = try Self.run(["run", "--config", config], in: workspace)
        #expect(plain.0 == Memgate.Exit.passed, "\(plain.2)")
        #expect(plain.1.findingKinds == [.staleBaseline])

        let ratcheted = try Self.run(["run", "--config", config, "--ratchet"], in: workspace)
        #expect(ratcheted.0 == Memgate.Exit.gateFailed, "\(ratcheted.2)")
        let finding = try #require(ratcheted.1.findings.first)
        #expect(finding.kind == .ratchetStale)
        #expect(finding.bytes == -Self.mebibyte)
        #expect(finding.message.hasPrefix("ratchet: peak shrank 2.0 MiB → 1.0 MiB (-1.0 MiB, -50%)"))
        #expect(finding.message.contains("memgate run --update-baselines"))

        config = try Self.writeConfig(bytes: Self.mebibyte, ratchet: true, in: workspace)
        let fromConfig = try Self.run(["run", "--config", config], in: workspace)
        #expect(fromConfig.0 == Memgate.Exit.gateFailed, "\(fromConfig.2)")
        #expect(fromConfig.1.findingKinds == [.ratchetStale])

        let updated = try Self.run(["run", "--config", config, "--update-baselines"], in: workspace)
        #expect(updated.0 == Memgate.Exit.passed, "\(updated.2)")
        #expect(updated.1.baseline?.peakBytes == Self.mebibyte)
        let locked = try Self.run(["run", "--config", config], in: workspace)
        #expect(locked.0 == Memgate.Exit.passed, "\(locked.2)")
        #expect(locked.1.findingKinds == [])
    }
}
