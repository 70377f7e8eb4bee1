import Foundation
import MemgateCore
import Testing

/// `memgate run --shard K/N` + `memgate merge` against one whole run of the same suite: a
/// synthetic suite of 200 native targets plus a pytest target of 200 tests.
@Suite struct ShardEquivalenceTests {
    static let nativeTargets = 200
    static let pytestTests = 200

    /// 200 targets holding 4 KiB × i (every 40th over a 1 KB limit), and a pytest target whose
    /// 200 tests hold 10 KiB × i (four over a limit_memory marker, two skipped).
    static func writeSuite(in workspace: Workspace) throws -> URL {
        let holder = RepositoryLayout.root.appendingPathComponent(".build/fixtures/hold_bytes").path
        var config = "version: 1\nbaselines: baselines\ntargets:\n"
        for index in 1...nativeTargets {
            config += "  - name: hold-\(String(format: "%03d", index))\n"
            config += "    command: [\"\(holder)\", \"\(index * 4096)\"]\n"
            if index % 40 == 0 { config += "    limit: 1 KB\n" }
        }
        config += "  - name: tests\n    pytest: tests\n"
        var tests = "import pytest\n\n"
        for index in 0..<pytestTests {
            if index % 50 == 7 { tests += "@pytest.mark.limit_memory('1 KB')\n" }
            if index % 100 == 3 { tests += "@pytest.mark.skip(reason='synthetic skip')\n" }
            tests += "def test_hold_\(String(format: "%03d", index))():\n"
            tests += "    data = bytearray(\((index + 1) * 10240))\n    assert len(data) > 0\n\n"
        }
        try workspace.write(tests, to: "tests/test_many.py")
        return try workspace.write(config, to: "memgate.yml")
    }

    static func run(_ arguments: [String], in workspace: Workspace, shard: String? = nil) throws -> ChildProcessResult {
        var environment = try Memgate.childEnvironment()
        environment["MEMGATE_SHARD"] = shard
        return try ChildProcess.run(
            try RepositoryLayout.memgateBinary(), arguments, environment: environment, directory: workspace.url,
            timeoutSeconds: 600)
    }

    @Test func fourShardsMergedGiveTheWholeRunsCasesFiguresAndExitCode() throws {
        let workspace = try Workspace("shard-equivalence")
        let config = try Self.writeSuite(in: workspace).path
        let whole = try Self.run(["run", "--config", config, "--jobs", "2", "--artifacts", "whole"], in: workspace)
        #expect(whole.exitCode == Memgate.Exit.gateFailed, "\(whole.standardError)")

        var shardCases: [[String]] = []
        for index in 1...4 {
            // Half the shards from the option, half from the environment variable, as CI templates do.
            let arguments = ["run", "--config", config, "--jobs", "2", "--artifacts", "shard-\(index)"]
            let shard =
                index <= 2
                ? try Self.run(arguments + ["--shard", "\(index)/4"], in: workspace)
                : try Self.run(arguments, in: workspace, shard: "\(index)/4")
            #expect([0, 1].contains(shard.exitCode), "shard \(index): \(shard.standardError)")
            let suite = try Memgate.suite(at: workspace.path("shard-\(index)/results.json"))
            #expect(suite.shard?.shard == ShardSpec(index: index, count: 4))
            shardCases.append(suite.cases.map { "\($0.target) \($0.name)" })
        }
        // Every case ran in exactly one shard, and the split is balanced by count (no durations).
        let all = shardCases.flatMap { $0 }
        #expect(all.count == Self.nativeTargets + Self.pytestTests)
        #expect(Set(all).count == all.count)
        #expect(shardCases.allSatisfy { $0.count == 100 }, "\(shardCases.map(\.count))")

        let merge = try Self.run(
            ["merge", "shard-1", "shard-2", "shard-3", "shard-4", "--expect", "4", "--artifacts", "merged"],
            in: workspace)
        #expect(merge.exitCode == whole.exitCode, "\(merge.standardError)")

        let expected = try Memgate.suite(at: workspace.path("whole/results.json"))
        let merged = try Memgate.suite(at: workspace.path("merged/results.json"))
        #expect(merged.cases.map(\.name) == expected.cases.map(\.name))
        #expect(merged.failedCount == 9 && expected.failedCount == 9)
        #expect(merged.skippedCount == expected.skippedCount)
        for (mine, theirs) in zip(merged.cases, expected.cases) {
            #expect(mine.status == theirs.status, "\(mine.name)")
            #expect(mine.findings.map(\.kind) == theirs.findings.map(\.kind), "\(mine.name)")
            #expect(mine.budget == theirs.budget, "\(mine.name)")
            #expect(mine.flamegraphPath == theirs.flamegraphPath, "\(mine.name)")
            guard let figures = mine.profile, let wholeFigures = theirs.profile else {
                #expect(mine.profile == nil && theirs.profile == nil, "\(mine.name)")
                continue
            }
            // Native targets and pytest tests alike: a test's region starts at its own code, so
            // the tests that ran before it in the same process change none of its figures.
            #expect(figures.peakBytes == wholeFigures.peakBytes, "\(mine.name)")
            #expect(figures.totalBytes == wholeFigures.totalBytes, "\(mine.name)")
            #expect(figures.allocationCount == wholeFigures.allocationCount, "\(mine.name)")
            #expect(figures.bytesAtEnd == wholeFigures.bytesAtEnd, "\(mine.name)")
        }
        for file in ["junit.xml", "summary.md", "index.html"] {
            #expect(workspace.exists("merged/\(file)"), "\(file)")
        }
        let flamegraphs = merged.cases.compactMap(\.flamegraphPath)
        #expect(flamegraphs.count == expected.cases.compactMap(\.flamegraphPath).count)
        #expect(flamegraphs.allSatisfy { workspace.exists("merged/\($0)") })
        let junit = try String(contentsOf: workspace.path("merged/junit.xml"), encoding: .utf8)
        #expect(junit.components(separatedBy: "<testcase ").count - 1 == 400)
    }

    @Test func anInvalidShardIsAUsageErrorAndAnEmptyShardStillMerges() throws {
        let workspace = try Workspace("shard-edges")
        let holder = RepositoryLayout.root.appendingPathComponent(".build/fixtures/hold_bytes").path
        let config = try workspace.write(
            """
            version: 1
            baselines: baselines
            targets:
              - name: small
                command: ["\(holder)", "1000"]
              - name: broken-pytest
                pytest: no-such-tests
            """, to: "memgate.yml"
        ).path
        let invalid = try Self.run(["run", "--config", config], in: workspace, shard: "5/4")
        #expect(invalid.exitCode == Memgate.Exit.usage)
        #expect(invalid.standardError.contains("MEMGATE_SHARD: invalid shard '5/4'"), "\(invalid.standardError)")
        #expect(!workspace.exists("artifacts"))

        // Two units (a pytest target whose collection fails stays whole) over three shards.
        var exits: [Int32] = []
        for index in 1...3 {
            let shard = try Self.run(
                ["run", "--config", config, "--shard", "\(index)/3", "--artifacts", "shard-\(index)"], in: workspace)
            exits.append(shard.exitCode)
        }
        let empty = try Memgate.suite(at: workspace.path("shard-3/results.json"))
        #expect(empty.cases.isEmpty && exits[2] == Memgate.Exit.passed)
        let merge = try Self.run(
            ["merge", "shard-1", "shard-2", "shard-3", "--expect", "3", "--artifacts", "merged"], in: workspace)
        #expect(merge.exitCode == Memgate.Exit.gateFailed, "\(merge.standardError)")
        let merged = try Memgate.suite(at: workspace.path("merged/results.json"))
        #expect(merged.cases.map(\.name) == ["small", "broken-pytest"])
    }
}
