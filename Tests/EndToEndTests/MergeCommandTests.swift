import Foundation
import MemgateCore
import MemgateReports
import Testing

/// `memgate merge` on results written here: 50 000 cases joined in order, refusals with exit 2 and names.
@Suite struct MergeCommandTests {
    static let environment = EnvironmentFingerprint(python: "3.11.7", libc: "glibc 2.36", arch: "x86_64")

    /// A shard of `count` holding `cases` tests of one pytest target (`tests-<index>`), each
    /// as a run writes a passing or failing case without a profile: findings, budget,
    /// tolerance, process end, output tail and environment.
    static func writeShard(
        _ index: Int, of count: Int, cases: Int, in workspace: Workspace, digest: String = "0123456789abcdef",
        target: String? = nil, environment: EnvironmentFingerprint = Self.environment,
        caseName: (Int) -> String = { "tests/test_many.py::test_case[\($0)]" }
    ) throws {
        var results: [CaseResult] = []
        results.reserveCapacity(cases)
        for number in 0..<cases {
            let global = (index - 1) * cases + number
            let failed = global % 97 == 0
            results.append(
                CaseResult(
                    target: target ?? "tests-\(index)", name: caseName(global), status: failed ? .failed : .passed,
                    findings: failed
                        ? [Finding(kind: .limitExceeded, message: "peak 2.0 KiB exceeds limit 1.0 KiB", bytes: 1024)]
                        : [Finding(kind: .missingBaseline, message: "no baseline yet")],
                    budget: Budget(limitBytes: 1024), durationSeconds: 0.01, processEnd: .exited(code: 0),
                    outputTail: "ok\n", environment: environment))
        }
        var suite = SuiteResult(name: "memgate", cases: results, durationSeconds: 1)
        suite.shard = ShardInfo(
            shard: ShardSpec(index: index, count: count), suiteDigest: digest,
            targets: (1...count).map { "tests-\($0)" }, casePositions: Array(0..<cases))
        try workspace.write(
            String(decoding: try JSONResults.render([suite]), as: UTF8.self), to: "shard-\(index)/results.json")
    }

    static func merge(_ arguments: [String], in workspace: Workspace) throws -> ChildProcessResult {
        try Memgate.run(["merge"] + arguments, in: workspace.url)
    }

    /// Correctness at scale; the merge's time is measured by `make bench` (ci/bench/merge.sh).
    @Test func fiftyShardsOfAThousandCasesMergeIntoOneSuite() throws {
        let workspace = try Workspace("merge-scale")
        for index in 1...50 { try Self.writeShard(index, of: 50, cases: 1000, in: workspace) }
        let merge = try Self.merge(
            (1...50).map { "shard-\($0)" } + ["--expect", "50", "--artifacts", "merged"], in: workspace)
        #expect(merge.exitCode == Memgate.Exit.gateFailed, "\(merge.standardError)")
        let merged = try Memgate.suite(at: workspace.path("merged/results.json"))
        #expect(merged.cases.count == 50_000)
        #expect(merged.failedCount == (0..<50_000).filter { $0 % 97 == 0 }.count)
        #expect(merged.cases.first?.name == "tests/test_many.py::test_case[0]")
        #expect(merged.cases.last?.name == "tests/test_many.py::test_case[49999]")
        for file in ["junit.xml", "summary.md", "index.html"] { #expect(workspace.exists("merged/\(file)")) }
    }

    @Test func duplicatedCasesAreRefusedWithExit2AndTheirNames() throws {
        let workspace = try Workspace("merge-duplicates")
        try Self.writeShard(1, of: 2, cases: 3, in: workspace, target: "tests")
        try Self.writeShard(2, of: 2, cases: 3, in: workspace, target: "tests") {
            "tests/test_many.py::test_case[\($0 == 4 ? 1 : $0)]"
        }
        let merge = try Self.merge(["shard-1", "shard-2", "--artifacts", "merged"], in: workspace)
        #expect(merge.exitCode == Memgate.Exit.usage)
        #expect(merge.standardError.contains("test_case[1] (in shard-1, shard-2)"), "\(merge.standardError)")
        #expect(!workspace.exists("merged/results.json"))
    }

    @Test func missingShardsAndOtherSuitesAreRefusedWithExit2() throws {
        let workspace = try Workspace("merge-missing")
        try Self.writeShard(1, of: 3, cases: 2, in: workspace)
        try Self.writeShard(3, of: 3, cases: 2, in: workspace, digest: "fedcba9876543210")
        let missing = try Self.merge(["shard-1", "shard-3", "--expect", "3"], in: workspace)
        #expect(missing.exitCode == Memgate.Exit.usage)
        #expect(missing.standardError.contains("missing shard(s) 2/3"), "\(missing.standardError)")
        try Self.writeShard(2, of: 3, cases: 2, in: workspace)
        let otherConfig = try Self.merge(["shard-1", "shard-2", "shard-3", "--expect", "3"], in: workspace)
        #expect(otherConfig.exitCode == Memgate.Exit.usage)
        #expect(otherConfig.standardError.contains("shard-3 is 'memgate' (config digest fedcba9876543210)"))
        let absent = try Self.merge(["shard-9"], in: workspace)
        #expect(absent.exitCode == Memgate.Exit.usage)
        #expect(absent.standardError.contains("shard-9: no such directory or results file"), "\(absent.standardError)")
    }

    /// Shards are read without the fields only a case's page shows; a case the merge encodes again
    /// (here: its shard ran on another Python, so it gains a notice) is then read whole, and a
    /// malformed field there is still bad input: exit 2, naming the shard and the case.
    @Test func aMalformedCaseReadWholeIsRefusedWithExit2() throws {
        let workspace = try Workspace("merge-malformed")
        try Self.writeShard(1, of: 2, cases: 2, in: workspace)
        try Self.writeShard(
            2, of: 2, cases: 2, in: workspace,
            environment: EnvironmentFingerprint(python: "3.12.1", libc: "glibc 2.36", arch: "x86_64"))
        let path = workspace.path("shard-2/results.json")
        let text = try String(contentsOf: path, encoding: .utf8)
        let broken = text.replacingOccurrences(of: #""exited""#, with: #""exploded""#)
        #expect(broken != text)
        try broken.write(to: path, atomically: true, encoding: .utf8)
        let merge = try Self.merge(["shard-1", "shard-2", "--artifacts", "merged"], in: workspace)
        #expect(merge.exitCode == Memgate.Exit.usage, "\(merge.standardError)")
        #expect(merge.standardError.contains("shard-2"), "\(merge.standardError)")
        #expect(merge.standardError.contains("test_case[2]"), "\(merge.standardError)")
    }
}
