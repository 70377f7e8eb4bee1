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

/// The resident-memory series on the flamegraph page's timeline, and a real OOM kill under
/// `oom-limit` in the target's own memory cgroup.
extension ResidentMemoryTests {
    static let anonymousToucher = RepositoryLayout.root.appendingPathComponent(".build/fixtures/touch_anonymous").path

    /// `file_mapping_rss 400` keeps its 64 MiB mapping resident for 400 ms, so the 10 ms samples
    /// see it: the page's RSS series reaches 64 MiB (plus the program, tracker and libc) on the
    /// capture's time axis, while the requested bytes peak at exactly 1 MiB.
    @Test func theResidentSeriesIsOnThePagesTimelineWithTheMappingsFigures() throws {
        let workspace = try Workspace("resident-timeline")
        try workspace.writeConfig(
            targets: """
                  - name: mapped
                    command: ["\(Self.program)", "400"]

                """)
        let run = try Memgate.run(["run", "--config", "memgate.yml", "--artifacts", "artifacts"], in: workspace.url)
        #expect(run.exitCode == Memgate.Exit.passed, "\(run.standardOutput)\(run.standardError)")
        let suite = try Memgate.suite(at: workspace.path("artifacts/results.json"))
        let mapped = try #require(suite.case("mapped"))
        #expect(mapped.profile?.peakBytes == Self.mebibyte)
        let residentPeak = try #require(mapped.residentPeakBytes)
        #expect(residentPeak >= 64 * Self.mebibyte && residentPeak < 96 * Self.mebibyte, "\(residentPeak)")
        let stored = try #require(mapped.residentTimeline)

        let html = try String(contentsOf: workspace.path("artifacts/flamegraphs/mapped.html"), encoding: .utf8)
        let data = try #require(BrowserTests.embeddedData(in: html))
        let times = try #require(data["residentMilliseconds"] as? [Double])
        let bytes = try #require((data["residentBytes"] as? [NSNumber])?.map(\.int64Value))
        let duration = try #require(data["durationMilliseconds"] as? Double)
        #expect((data["residentPeakBytes"] as? NSNumber)?.int64Value == residentPeak)
        #expect(times.count == bytes.count && times.count == stored.count)
        // 400 ms of a resident mapping at one sample per 10 ms.
        #expect(times.count >= 10, "\(times.count) samples")
        #expect(times == times.sorted())
        #expect(
            times.allSatisfy { $0 >= 0 && $0 <= duration }, "\(times.first ?? -1)…\(times.last ?? -1) of \(duration)")
        let highest = try #require(bytes.max())
        #expect(highest >= 64 * Self.mebibyte && highest <= residentPeak, "\(highest) of \(residentPeak)")
        // The requested-bytes series beside it peaks at the program's one mebibyte.
        let requested = try #require((data["timelineBytes"] as? [NSNumber])?.map(\.int64Value))
        #expect(requested.max() == Self.mebibyte)
        #expect(html.contains("id=\"timeline-legend\""))
    }

    /// A program that touches 256 MiB under `oom-limit: 64 MB` is OOM-killed by the kernel in its
    /// own cgroup and reported as such, with its figures so far; exit 1 (the gate failed).
    @Test(
        .enabled(
            if: MemoryCgroupProbe.canCreate,
            "no memory cgroup can be created here (needs the cgroup v2 memory controller delegated, or cgroup v1)"))
    func aTargetOverItsOOMLimitIsKilledByTheKernelAndSaidToBeOutOfMemory() throws {
        let workspace = try Workspace("oom-kill")
        try workspace.writeConfig(
            targets: """
                  - name: greedy
                    command: ["\(Self.anonymousToucher)", "256"]
                    oom-limit: 64 MB
                  - name: modest
                    command: ["\(Self.anonymousToucher)", "16"]
                    oom-limit: 64 MB

                """)
        let run = try Memgate.run(["run", "--config", "memgate.yml", "--artifacts", "artifacts"], in: workspace.url)
        #expect(run.exitCode == Memgate.Exit.gateFailed, "\(run.standardOutput)\(run.standardError)")
        let suite = try Memgate.suite(at: workspace.path("artifacts/results.json"))

        let greedy = try #require(suite.case("greedy"))
        #expect(greedy.status == .failed)
        #expect(greedy.processEnd == .signalled(signal: 9))
        #expect(greedy.findingKinds.first == .targetOutOfMemory, "\(greedy.findings)")
        // The group's charge reached the cap (the kernel may charge a page past it before it kills);
        // the program's RSS is near it (libc's pages, charged to other groups, count in RSS; the
        // tracker's page cache, charged here, does not).
        let charged = try #require(greedy.chargedPeakBytes)
        #expect(charged <= 65 * Self.mebibyte && charged >= 60 * Self.mebibyte, "\(charged)")
        let resident = try #require(greedy.residentPeakBytes)
        #expect(resident >= 32 * Self.mebibyte && resident < 80 * Self.mebibyte, "\(resident)")
        let requested = try #require(greedy.profile?.peakBytes)
        #expect(requested >= 32 * Self.mebibyte && requested < 64 * Self.mebibyte, "\(requested)")
        let message = try #require(greedy.findings.first?.message)
        #expect(message.hasPrefix("killed: out of memory at "), "\(message)")
        #expect(message.contains(" MiB RSS (SIGKILL from the OOM killer); requested-bytes peak so far "))
        #expect(run.standardOutput.contains("killed: out of memory at "), "\(run.standardOutput)")

        // Under the cap: measured in its cgroup, not killed.
        let modest = try #require(suite.case("modest"))
        #expect(modest.status == .passed, "\(modest.findings)")
        #expect(modest.profile?.peakBytes == 16 * Self.mebibyte)
        let modestResident = try #require(modest.residentPeakBytes)
        #expect(modestResident >= 16 * Self.mebibyte && modestResident < 48 * Self.mebibyte, "\(modestResident)")
        #expect((modest.chargedPeakBytes ?? 0) >= modestResident / 2, "\(String(describing: modest.chargedPeakBytes))")
    }
}
