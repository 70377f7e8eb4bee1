import Testing

@testable import MemgateCore

@Suite struct ShardPlanTests {
    @Test(
        "K/N parses with 1 <= K <= N",
        arguments: [("1/1", 1, 1), ("2/4", 2, 4), (" 4/4 ", 4, 4), ("10/12", 10, 12)])
    func parsesValidSpecs(text: String, index: Int, count: Int) throws {
        #expect(try ShardSpec.parse(text) == ShardSpec(index: index, count: count))
    }

    @Test(
        "anything else is refused with an example",
        arguments: ["0/4", "5/4", "2", "2/", "/4", "a/b", "1/0", "2/4/8", ""])
    func refusesInvalidSpecs(text: String) {
        #expect(throws: ShardError.self) { try ShardSpec.parse(text) }
        #expect("\(Self.error(text))".contains("e.g. 2/4"))
    }

    static func error(_ text: String) -> ShardError {
        do {
            _ = try ShardSpec.parse(text)
            return .noInputs
        } catch { return error }
    }

    static func units(_ count: Int, durations: (Int) -> Int64? = { _ in nil }) -> [ShardUnit] {
        (0..<count).map { ShardUnit(target: "t\($0)", durationMilliseconds: durations($0)) }
    }

    @Test func everyUnitRunsInExactlyOneShard() {
        let units = Self.units(200) + (0..<200).map { ShardUnit(target: "pytest", test: "tests/test_x.py::test_\($0)") }
        let plan = ShardPlan(units: units, count: 4)
        let all = (1...4).flatMap { plan.units(of: $0) }
        #expect(all.count == units.count)
        #expect(Set(all) == Set(units))
    }

    @Test func withoutDurationsTheSplitIsByCount() {
        let plan = ShardPlan(units: Self.units(10), count: 4)
        #expect((1...4).map { plan.units(of: $0).count } == [3, 3, 2, 2])
    }

    @Test func recordedDurationsBalanceTheShards() {
        // One long case and many short ones: the long one gets a shard of its own.
        let plan = ShardPlan(units: Self.units(9) { $0 == 0 ? 8000 : 1000 }, count: 2)
        #expect(plan.units(of: 1).map(\.target) == ["t0"])
        #expect(plan.loadsMilliseconds == [8000, 8000])
    }

    @Test func unknownDurationsWeighTheMedianOfTheKnownOnes() {
        let plan = ShardPlan(units: Self.units(4) { $0 < 3 ? [100, 200, 9000][$0] : nil }, count: 2)
        #expect(plan.loadsMilliseconds.reduce(0, +) == Int64(9500))  // 100 + 200 + 9000 + the median, 200
        #expect(plan.units(of: 1).map(\.target) == ["t2"])
    }

    @Test func theSplitDependsOnlyOnNamesAndDurationsNotOnInputOrder() {
        let units = Self.units(50) { Int64($0 % 7) * 100 }
        let forward = ShardPlan(units: units, count: 3)
        let backward = ShardPlan(units: units.reversed(), count: 3)
        for shard in 1...3 {
            #expect(Set(forward.units(of: shard)) == Set(backward.units(of: shard)))
        }
    }

    @Test func moreShardsThanUnitsLeavesSomeEmpty() {
        let plan = ShardPlan(units: Self.units(2), count: 5)
        #expect((1...5).map { plan.units(of: $0).count } == [1, 1, 0, 0, 0])
    }

    @Test(
        "a recorded duration moves only by more than 2x and 1 s",
        arguments: [
            (nil, 0.0123, 0.012 as Double?), (0.5, 0.9, 0.5), (0.5, 1.4, 0.5), (0.5, 1.6, 1.6), (3.0, 2.1, 3.0),
            (3.0, 0.9, 0.9),
        ] as [(Double?, Double, Double?)])
    func recordedDuration(previous: Double?, measured: Double, expected: Double?) {
        #expect(ShardDurations.toRecord(previous: previous, measuredSeconds: measured) == expected)
    }

    @Test func suiteDigestIsStableAndTellsSuitesApart() {
        let digest = SuiteDigest.of(configBytes: Array("version: 1".utf8), targets: ["a", "b"])
        #expect(digest.count == 16)
        #expect(digest == SuiteDigest.of(configBytes: Array("version: 1".utf8), targets: ["a", "b"]))
        #expect(digest != SuiteDigest.of(configBytes: Array("version: 1".utf8), targets: ["ab"]))
        #expect(digest != SuiteDigest.of(configBytes: Array("version: 2".utf8), targets: ["a", "b"]))
    }
}
