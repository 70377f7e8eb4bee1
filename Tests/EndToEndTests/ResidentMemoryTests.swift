import Foundation
import MemgateCore
import Testing

/// Resident memory beside requested bytes: `file_mapping_rss` requests exactly 1 MiB but makes a
/// 64 MiB file mapping resident, so it fails `limit-rss: 32 MB` and passes `limit: 32 MB`.
@Suite struct ResidentMemoryTests {
    static let program = RepositoryLayout.root.appendingPathComponent(".build/fixtures/file_mapping_rss").path
    static let mebibyte: Int64 = 1_048_576

    @Test func aFileMappingFailsLimitRSSButNotTheRequestedBytesLimit() throws {
        let workspace = try Workspace("resident")
        try workspace.writeConfig(
            targets: """
                  - name: requested
                    command: ["\(Self.program)"]
                    limit: 32 MB
                  - name: resident
                    command: ["\(Self.program)"]
                    limit-rss: 32 MB

                """)
        let run = try Memgate.run(
            ["run", "--config", "memgate.yml", "--artifacts", "artifacts"], in: workspace.url)
        #expect(run.exitCode == Memgate.Exit.gateFailed, "\(run.standardOutput)\(run.standardError)")
        let suite = try Memgate.suite(at: workspace.path("artifacts/results.json"))

        let requested = try #require(suite.case("requested"))
        #expect(requested.status == .passed, "\(requested.findings)")
        #expect(requested.profile?.peakBytes == Self.mebibyte)
        let requestedResident = try #require(requested.residentPeakBytes)
        #expect(requestedResident >= 64 * Self.mebibyte)
        #expect(requestedResident < 96 * Self.mebibyte)

        let resident = try #require(suite.case("resident"))
        #expect(resident.status == .failed)
        #expect(resident.profile?.peakBytes == Self.mebibyte)
        #expect(resident.findingKinds.first == .residentLimitExceeded)
        let finding = try #require(resident.findings.first)
        #expect(finding.bytes == (resident.residentPeakBytes ?? 0) - 32 * Self.mebibyte)
        #expect(finding.message.hasPrefix("peak RSS "))
        #expect(finding.message.hasSuffix(" exceeds limit-rss 32.0 MiB"))

        // Beside the requested peak in every artifact.
        let junit = try String(contentsOf: workspace.path("artifacts/junit.xml"), encoding: .utf8)
        #expect(junit.contains("peak RSS: "))
        #expect(junit.contains("RSS limit: 32.0 MiB (33554432 B)"))
        let summary = try String(contentsOf: workspace.path("artifacts/summary.md"), encoding: .utf8)
        #expect(summary.contains("| Target | Verdict | Peak | Budget | Baseline | Δ | Peak RSS |"))
        let html = try String(contentsOf: workspace.path("artifacts/flamegraphs/resident.html"), encoding: .utf8)
        #expect(html.contains("<dt>Peak RSS</dt>"))
        #expect(run.standardOutput.contains("RSS "))
    }
}
