import Testing

@testable import MemgateCore

@Suite struct ShardMergeTests {
    static let linux = EnvironmentFingerprint(python: "3.11.7", libc: "glibc 2.36", arch: "x86_64")
    static let targets = ["a", "b", "tests"]

    static func item(
        _ target: String, _ name: String? = nil, status: CaseResult.Status = .passed,
        environment: EnvironmentFingerprint = linux
    ) -> CaseResult {
        CaseResult(target: target, name: name ?? target, status: status, environment: environment)
    }

    static func shard(
        _ index: Int, of count: Int, _ cases: [CaseResult], positions: [Int]? = nil, digest: String = "d1",
        inputErrors: [String] = [], internalErrors: [String] = []
    ) -> ShardMerge.Input {
        var suite = SuiteResult(name: "memgate", cases: cases, durationSeconds: Double(index))
        suite.shard = ShardInfo(
            shard: ShardSpec(index: index, count: count), suiteDigest: digest, targets: targets,
            casePositions: positions ?? cases.map { _ in 0 }, inputErrors: inputErrors,
            internalErrors: internalErrors)
        return ShardMerge.Input(source: "shard-\(index)", suites: [suite])
    }

    static func refusal(_ inputs: [ShardMerge.Input], expect: Int? = nil) -> String {
        do {
            _ = try ShardMerge.merge(inputs, expectedShards: expect)
            return "merged"
        } catch { return "\(error)" }
    }

    @Test func casesComeOutInSingleRunOrderWhateverTheShardOrder() throws {
        let first = Self.shard(
            1, of: 2, [Self.item("b"), Self.item("tests", "t::two")], positions: [0, 1])
        let second = Self.shard(
            2, of: 2, [Self.item("a"), Self.item("tests", "t::one"), Self.item("tests", "t::three", status: .failed)],
            positions: [0, 0, 2])
        let outcome = try ShardMerge.merge([second, first], expectedShards: 2)
        #expect(outcome.suite.cases.map(\.name) == ["a", "b", "t::one", "t::two", "t::three"])
        #expect(outcome.suite.failedCount == 1)
        #expect(outcome.suite.durationSeconds == 2)
        #expect(outcome.suite.shard == nil)
        #expect(outcome.suite.cases.allSatisfy { $0.findings.isEmpty })
    }

    @Test func shardProblemsAreCarriedForTheExitCode() throws {
        let outcome = try ShardMerge.merge([
            Self.shard(1, of: 2, [Self.item("a")], inputErrors: ["a: bad baseline"]),
            Self.shard(2, of: 2, [Self.item("b")], internalErrors: ["b: cannot start"]),
        ])
        #expect(outcome.inputErrors == ["a: bad baseline"])
        #expect(outcome.internalErrors == ["b: cannot start"])
    }

    @Test func duplicatedCasesAreRefusedByName() {
        let message = Self.refusal([
            Self.shard(1, of: 2, [Self.item("a"), Self.item("tests", "t::x")]),
            Self.shard(2, of: 2, [Self.item("tests", "t::x")]),
        ])
        #expect(message.contains("1 case(s) appear more than once: tests: t::x (in shard-1, shard-2)"), "\(message)")
    }

    @Test func missingShardsAreRefusedWithExpect() {
        let shards = [Self.shard(1, of: 4, [Self.item("a")]), Self.shard(3, of: 4, [Self.item("b")])]
        #expect(Self.refusal(shards, expect: 4) == "missing shard(s) 2/4, 4/4 of --expect 4")
        #expect(Self.refusal(shards, expect: 3).contains("--expect 3, but the shards are of 4"))
        #expect(Self.refusal(shards) == "merged")
    }

    @Test func shardsOfDifferentSuitesOrSplitsAreRefused() {
        let otherConfig = Self.refusal([
            Self.shard(1, of: 2, [Self.item("a")]), Self.shard(2, of: 2, [Self.item("b")], digest: "d2"),
        ])
        #expect(otherConfig.contains("different suites or configurations"))
        #expect(otherConfig.contains("shard-2 is 'memgate' (config digest d2)"))
        let otherSplit = Self.refusal([Self.shard(1, of: 2, [Self.item("a")]), Self.shard(2, of: 3, [Self.item("b")])])
        #expect(otherSplit.contains("split into different numbers of shards"))
        let twice = Self.refusal([Self.shard(1, of: 2, [Self.item("a")]), Self.shard(1, of: 2, [Self.item("b")])])
        #expect(twice.contains("shard 1/2 given more than once: shard-1, shard-1"))
        var plain = Self.shard(2, of: 2, [Self.item("b")])
        plain.suites[0].shard = nil
        plain.source = "plain"
        #expect(Self.refusal([Self.shard(1, of: 2, [Self.item("a")]), plain]).contains("not shard results"))
    }

    @Test func differentFormatVersionsAreRefused() {
        var newer = Self.shard(2, of: 2, [Self.item("b")])
        newer.suites[0].formatVersion = SuiteResult.currentFormatVersion + 1
        let message = Self.refusal([Self.shard(1, of: 2, [Self.item("a")]), newer])
        #expect(message.contains("different format versions"))
        #expect(message.contains("shard-1 has formatVersion 2, shard-2 has formatVersion 3"))
    }

    @Test func aCaseMeasuredOnAnotherEnvironmentGetsANotice() throws {
        let other = EnvironmentFingerprint(python: "3.12.1", libc: "glibc 2.36", arch: "x86_64")
        let native = EnvironmentFingerprint(python: nil, libc: "glibc 2.36", arch: "x86_64")
        let outcome = try ShardMerge.merge([
            Self.shard(1, of: 2, [Self.item("a")]),
            Self.shard(
                2, of: 2, [Self.item("b", environment: native), Self.item("tests", "t::x", environment: other)]),
        ])
        #expect(outcome.suite.case("b")?.findings.isEmpty == true)
        let notice = try #require(outcome.suite.case("t::x")?.findings.first)
        #expect(notice.kind == .environmentMismatch)
        #expect(notice.message.contains("shard 2/2") && notice.message.contains("python 3.12.1 vs 3.11.7"))
        #expect(!notice.isFailure)
    }

    @Test func plainRunsOfOneSuiteMergeByConcatenation() throws {
        let a = ShardMerge.Input(
            source: "x", suites: [SuiteResult(name: "s", cases: [Self.item("b")], durationSeconds: 1)])
        let b = ShardMerge.Input(
            source: "y", suites: [SuiteResult(name: "s", cases: [Self.item("a")], durationSeconds: 3)])
        let outcome = try ShardMerge.merge([a, b])
        #expect(outcome.suite.cases.map(\.name) == ["b", "a"])
        #expect(Self.refusal([a, b], expect: 2).contains("not shard results"))
        #expect(Self.refusal([]) == "no results to merge")
    }
}

extension SuiteResult {
    fileprivate func `case`(_ name: String) -> CaseResult? { cases.first { $0.name == name } }
}
