import Foundation
import MemgateCore
import Testing

/// pprof and speedscope exports of `suppressed_allocations` (1 MiB from `cache_forever`,
/// 2 × 256 KiB from `vendor_scratch`, 100 000 B from `parse_input`, all live together: peak and
/// total 1 672 864 B in 4 allocations). The pprof file is decoded back by a standard-library
/// Python decoder (Tests/Fixtures/EndToEnd/pprof_totals.py), independent of memgate's encoder.
@Suite struct ProfileExportTests {
    static let program = RepositoryLayout.root.appendingPathComponent(".build/fixtures/suppressed_allocations").path

    struct PprofTotals: Decodable {
        var sampleTypes: [String]
        var totals: [String: Int64]
        var defaultSampleType: String?
        var samples: Int
        var inuseSpaceByLeaf: [String: Int64]
    }

    static func decodePprof(_ file: URL) throws -> PprofTotals {
        let script = RepositoryLayout.fixtures.appendingPathComponent("pprof_totals.py")
        let run = try ChildProcess.run(
            try RepositoryLayout.python(), [script.path, file.path], environment: ProcessInfo.processInfo.environment,
            directory: file.deletingLastPathComponent(), timeoutSeconds: 60)
        #expect(run.exitCode == 0, "\(run.standardError)")
        return try JSONDecoder().decode(PprofTotals.self, from: Data(run.standardOutput.utf8))
    }

    static func expectExactTotals(_ totals: PprofTotals) {
        #expect(
            totals.sampleTypes == [
                "alloc_objects/count", "alloc_space/bytes", "inuse_objects/count", "inuse_space/bytes",
            ])
        #expect(
            totals.totals == [
                "alloc_objects": 4, "alloc_space": 1_672_864, "inuse_objects": 4, "inuse_space": 1_672_864,
            ])
        #expect(totals.defaultSampleType == "inuse_space")
        #expect(
            totals.inuseSpaceByLeaf == ["cache_forever": 1_048_576, "vendor_scratch": 524_288, "parse_input": 100_000])
    }

    @Test func reportWritesPprofAndSpeedscopeWhoseTotalsAreTheCapturesExactly() throws {
        let workspace = try Workspace("export-report")
        let recording = try Memgate.record([Self.program], in: workspace)
        let profile = try #require(recording.profile, "\(recording.run.standardError)")
        #expect([profile.peakBytes, profile.totalBytes, profile.allocationCount] == [1_672_864, 1_672_864, 4])
        let report = try Memgate.run(
            ["report", "capture.mgc", "--pprof", "heap.pb.gz", "--speedscope", "heap.speedscope.json"],
            in: workspace.url)
        #expect(report.exitCode == 0, "\(report.standardError)")

        Self.expectExactTotals(try Self.decodePprof(workspace.path("heap.pb.gz")))

        let speedscope = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: workspace.path("heap.speedscope.json")))
                as? [String: Any])
        #expect(speedscope["$schema"] as? String == "https://www.speedscope.app/file-format-schema.json")
        let frames = try #require((speedscope["shared"] as? [String: Any])?["frames"] as? [[String: Any]])
        let profiles = try #require(speedscope["profiles"] as? [[String: Any]])
        #expect(profiles.map { $0["name"] as? String } == ["process: live at peak", "process: allocated"])
        for sampled in profiles {
            #expect(sampled["type"] as? String == "sampled")
            #expect(sampled["unit"] as? String == "bytes")
            #expect((sampled["endValue"] as? NSNumber)?.int64Value == 1_672_864)
            let weights = try #require(sampled["weights"] as? [NSNumber]).map(\.int64Value)
            #expect(weights.reduce(0, +) == 1_672_864)
            let samples = try #require(sampled["samples"] as? [[Int]])
            #expect(samples.count == weights.count)
            // Stacks run outermost first: each ends in the allocating function.
            let leaves = samples.map { frames[$0.last!]["name"] as? String ?? "" }
            #expect(Set(leaves) == ["cache_forever", "vendor_scratch", "parse_input"])
        }
    }

    @Test func runExportsEachCaseUnderTheArtifactsDirectory() throws {
        let workspace = try Workspace("export-run")
        try workspace.writeConfig(targets: "  - name: allocations\n    command: [\"\(Self.program)\"]\n")
        let run = try Memgate.run(
            ["run", "--config", "memgate.yml", "--artifacts", "artifacts", "--export", "pprof,speedscope"],
            in: workspace.url)
        #expect(run.exitCode == Memgate.Exit.passed, "\(run.standardOutput)\(run.standardError)")
        Self.expectExactTotals(try Self.decodePprof(workspace.path("artifacts/profiles/allocations.pb.gz")))
        #expect(workspace.exists("artifacts/profiles/allocations.speedscope.json"))
    }

    @Test(
        "a bad --export is a usage error and runs nothing",
        arguments: [
            (
                ["--artifacts", "artifacts", "--export", "pprof,flame"],
                "unknown export format 'flame'; known: pprof, speedscope"
            ),
            (["--export", "pprof"], "--export writes under the artifacts directory; add --artifacts DIR"),
        ])
    func badExport(arguments: [String], message: String) throws {
        let workspace = try Workspace("export-usage")
        try workspace.writeConfig(targets: "  - name: a\n    command: [\"\(Self.program)\"]\n")
        let run = try Memgate.run(["run", "--config", "memgate.yml"] + arguments, in: workspace.url)
        #expect(run.exitCode == Memgate.Exit.usage)
        #expect(run.standardError.contains(message), "\(run.standardError)")
        #expect(!workspace.exists("artifacts"))
    }
}
