import Foundation
import MemgateCore
import Testing

/// The baseline workflow on a script whose allocation sizes come from the config's `env:`:
/// record, pass, grow a site, add a site, re-record, shrink. Also the two abnormal process
/// ends, a crash and a timeout.
@Suite struct BaselineRegressionTests {
    static let mebibyte = 1024 * 1024

    /// One workspace holding `suite/memgate.yml`, `suite/sized_allocations.py` and the
    /// baselines directory `suite/baselines`.
    struct SizedSuite {
        let workspace: Workspace
        var config: URL { workspace.path("suite/memgate.yml") }
        var baselineFile: URL { workspace.path("suite/baselines/env-sized.json") }

        init() throws {
            workspace = try Workspace("baselines")
            try workspace.copyFixture("sized_allocations.py", to: "suite/sized_allocations.py")
        }

        /// Rewrites the config with these sizes; C_BYTES is left out (no call to allocate_c) when nil.
        func configure(aBytes: Int, bBytes: Int, cBytes: Int? = nil) throws {
            var env = "A_BYTES: \"\(aBytes)\", B_BYTES: \"\(bBytes)\""
            if let cBytes { env += ", C_BYTES: \"\(cBytes)\"" }
            try workspace.write(
                """
                version: 1
                baselines: baselines
                defaults:
                  tolerance: 5%
                  noise-floor: 4 KB
                targets:
                  - name: env-sized
                    python: sized_allocations.py
                    call: "work()"
                    env: {\(env)}
                """, to: "suite/memgate.yml")
        }

        /// `memgate run` (optionally `--update-baselines`); returns the exit code and the case.
        func run(updatingBaselines: Bool = false) throws -> (exitCode: Int32, result: CaseResult, output: String) {
            let json = workspace.path("results-\(UUID().uuidString.prefix(8)).json")
            var arguments = ["run", "--config", config.path, "--json", json.path]
            if updatingBaselines { arguments.append("--update-baselines") }
            let run = try Memgate.run(arguments, in: workspace.path("suite"))
            let output = run.standardOutput + run.standardError
            let result = try #require(try Memgate.suite(at: json).case("env-sized"), "\(output)")
            return (run.exitCode, result, output)
        }
    }

    @Test func recordPassGrowAddRerecordShrink() throws {
        let suite = try SizedSuite()
        let (a, b, c) = (Self.mebibyte, 2 * Self.mebibyte, Self.mebibyte)

        // (a) record: the baseline is written in the deterministic, sorted-key format.
        try suite.configure(aBytes: a, bBytes: b)
        let recorded = try suite.run(updatingBaselines: true)
        #expect(recorded.exitCode == Memgate.Exit.passed, "\(recorded.output)")
        let bytes = try Data(contentsOf: suite.baselineFile)
        let baseline = try BaselineCodec.decode(bytes, path: suite.baselineFile.path)
        #expect(try BaselineCodec.encode(baseline) == bytes, "baseline file is not in canonical form")
        let topLevelKeys = Self.keys(atIndent: 2, in: bytes)
        #expect(topLevelKeys == topLevelKeys.sorted())
        #expect(topLevelKeys.contains("sites") && topLevelKeys.contains("peakBytes"))
        let siteKeys = Self.keys(atIndent: 4, in: bytes)
        #expect(siteKeys.contains("allocate_a @ sized_allocations.py"))
        #expect(siteKeys.contains("allocate_b @ sized_allocations.py"))
        #expect(!siteKeys.contains("allocate_c @ sized_allocations.py"))
        #expect(baseline.name == "env-sized")
        #expect(baseline.peakBytes >= Int64(a + b))
        #expect(baseline.peakBytes < Int64(a + b + 64 * 1024))
        #expect(baseline.sites["allocate_a @ sized_allocations.py"]!.bytesAtPeak >= Int64(a))

        // (b) unchanged: passes against its own baseline, no failure and no stale notice.
        let unchanged = try suite.run()
        #expect(unchanged.exitCode == Memgate.Exit.passed, "\(unchanged.output)")
        #expect(unchanged.result.failures.isEmpty)
        #expect(!unchanged.result.findingKinds.contains(.staleBaseline))
        #expect(unchanged.result.baseline == baseline)

        // (c) A doubled: the grown site is named.
        try suite.configure(aBytes: 2 * a, bBytes: b)
        let grown = try suite.run()
        #expect(grown.exitCode == Memgate.Exit.gateFailed, "\(grown.output)")
        let siteGrown = try #require(grown.result.findings.first { $0.kind == .siteGrown }, "\(grown.result.findings)")
        #expect(siteGrown.site == SiteKey(function: "allocate_a", file: "sized_allocations.py"))
        #expect(siteGrown.bytes.map { abs($0 - Int64(a)) < 1024 } == true, "grew by \(siteGrown.bytes ?? -1)")
        #expect(grown.result.findings.filter { $0.kind == .siteGrown }.count == 1)
        #expect(grown.result.findingKinds.contains(.peakRegression))

        // (d) a new 1 MiB site: reported as new, by name.
        try suite.configure(aBytes: a, bBytes: b, cBytes: c)
        let added = try suite.run()
        #expect(added.exitCode == Memgate.Exit.gateFailed, "\(added.output)")
        let siteNew = try #require(added.result.findings.first { $0.kind == .siteNew }, "\(added.result.findings)")
        #expect(siteNew.site == SiteKey(function: "allocate_c", file: "sized_allocations.py"))
        #expect(siteNew.bytes.map { $0 >= Int64(c) && $0 < Int64(c) + 1024 } == true)
        #expect(!added.result.findingKinds.contains(.siteGrown))

        // (e) re-record with the new site, then the same sizes pass.
        let rerecorded = try suite.run(updatingBaselines: true)
        #expect(rerecorded.exitCode == Memgate.Exit.passed, "\(rerecorded.output)")
        #expect(rerecorded.result.findingKinds.contains(.baselineUpdated))
        let newBaseline = try BaselineCodec.decode(
            Data(contentsOf: suite.baselineFile), path: suite.baselineFile.path)
        #expect(newBaseline.sites["allocate_c @ sized_allocations.py"] != nil)
        let afterRerecord = try suite.run()
        #expect(afterRerecord.exitCode == Memgate.Exit.passed, "\(afterRerecord.output)")
        #expect(afterRerecord.result.failures.isEmpty)

        // (f) everything halved: a pass, with a notice that the baseline is stale.
        try suite.configure(aBytes: a / 2, bBytes: b / 2, cBytes: c / 2)
        let shrunk = try suite.run()
        #expect(shrunk.exitCode == Memgate.Exit.passed, "\(shrunk.output)")
        #expect(shrunk.result.status == .passed)
        #expect(shrunk.result.failures.isEmpty)
        let stale = try #require(shrunk.result.findings.first { $0.kind == .staleBaseline })
        #expect(!stale.isFailure)
        #expect(stale.bytes.map { $0 < -Int64(2 * Self.mebibyte) + 64 * 1024 } == true, "\(stale)")
    }

    @Test func selfKilledTargetIsReportedAsCrashedWithItsPeakSoFar() throws {
        let workspace = try Workspace("crash")
        try workspace.copyFixture("crash_after_allocating.py")
        let config = try workspace.write(
            """
            version: 1
            baselines: baselines
            targets:
              - name: crasher
                python: crash_after_allocating.py
                call: "allocate_then_die()"
            """, to: "memgate.yml")

        let run = try Memgate.run(
            ["run", "--config", config.path, "--json", workspace.path("results.json").path], in: workspace.url)

        #expect(run.exitCode == Memgate.Exit.gateFailed, "\(run.standardOutput)\(run.standardError)")
        let result = try #require(try Memgate.suite(at: workspace.path("results.json")).case("crasher"))
        #expect(result.status == .failed)
        #expect(result.processEnd == .signalled(signal: SIGKILL))
        #expect(result.failures.first?.kind == .targetCrashed)
        #expect(result.failures.first?.message.contains("SIGKILL") == true)
        let peak = try #require(result.profile?.peakBytes)
        #expect(peak >= 4 * Int64(Self.mebibyte))
        #expect(peak < 4 * Int64(Self.mebibyte) + 64 * 1024)
        #expect(result.profile?.completion == .interrupted)
    }

    @Test func targetPastItsTimeoutIsKilledWithinSeconds() throws {
        let workspace = try Workspace("timeout")
        try workspace.copyFixture("sleep_past_timeout.py")
        let config = try workspace.write(
            """
            version: 1
            baselines: baselines
            targets:
              - name: sleeper
                python: sleep_past_timeout.py
                call: "sleep_for(30)"
                timeout: 1s
            """, to: "memgate.yml")

        let run = try Memgate.run(
            ["run", "--config", config.path, "--json", workspace.path("results.json").path], in: workspace.url,
            timeoutSeconds: 25)

        #expect(run.exitCode == Memgate.Exit.gateFailed, "\(run.standardOutput)\(run.standardError)")
        #expect(run.durationSeconds < 6, "memgate took \(run.durationSeconds) s to give up on a 1 s timeout")
        let result = try #require(try Memgate.suite(at: workspace.path("results.json")).case("sleeper"))
        #expect(result.processEnd == .timedOut(afterSeconds: 1))
        #expect(result.failures.first?.kind == .targetTimedOut)
        #expect(result.durationSeconds >= 1 && result.durationSeconds < 5)
        #expect(result.profile.map { $0.peakBytes >= 64 * 1024 } == true)
    }

    /// JSON object keys at exactly `indent` spaces in a pretty-printed document, in file order.
    static func keys(atIndent indent: Int, in data: Data) -> [String] {
        let prefix = String(repeating: " ", count: indent) + "\""
        return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap { line in
            guard line.hasPrefix(prefix), !line.hasPrefix(prefix + " ") else { return nil }
            let rest = line.dropFirst(prefix.count)
            guard let end = rest.range(of: "\" :") ?? rest.range(of: "\":") else { return nil }
            return String(rest[..<end.lowerBound])
        }
    }
}
