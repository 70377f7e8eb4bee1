import Foundation
import MemgateCore

/// This shard's part of a suite (`memgate run --shard K/N`): the targets to run, each pytest
/// target narrowed to this shard's tests, and what the results must record for `memgate merge`.
///
/// Every shard computes the same `ShardPlan` from the same inputs: the selected targets in
/// configuration order, each pytest target's collected node ids, and the durations recorded in
/// the committed baselines (read by every shard; written later only by the shard running the
/// case, since a shard runs only its own cases).
public final class ShardSelection: @unchecked Sendable {
    /// The targets this shard runs, in configuration order. A pytest target split across
    /// shards carries `MEMGATE_PYTEST_SELECT` in its `env`, naming this shard's node ids.
    public let targets: [TargetConfig]
    /// Shard, suite digest and target order, for `SuiteResult.shard`.
    public let info: ShardInfo
    /// The whole plan, for messages and tests.
    public let plan: ShardPlan
    private let positions: [String: [String: Int]]
    private let collectedCounts: [String: Int]
    private let scratch: URL

    /// Plans the split and prepares this shard's targets.
    ///
    /// - Parameters:
    ///   - suite: the loaded configuration.
    ///   - selected: the targets chosen on the command line (all by default), in config order.
    ///   - shard: which shard to prepare.
    ///   - configBytes: the configuration file's bytes (part of the suite digest).
    ///   - environment: memgate's environment, used to collect pytest targets.
    public init(
        suite: SuiteConfig, selected: [TargetConfig], shard: ShardSpec, configBytes: [UInt8],
        environment: [String: String]
    ) throws {
        let store = BaselineStore(directory: URL(fileURLWithPath: suite.baselinesDirectory))
        let configDirectory = URL(fileURLWithPath: suite.configDirectory)
        var units: [ShardUnit] = []
        var positions: [String: [String: Int]] = [:]
        var collectedCounts: [String: Int] = [:]
        for target in selected {
            let tests = PytestCollector.collect(target, configDirectory: configDirectory, environment: environment)
            guard let tests, !tests.isEmpty else {
                // An unreadable baseline weighs nothing here; the owning shard reports it.
                let recorded = (try? store.load(target: target.name, caseName: nil))??.durationSeconds
                units.append(
                    ShardUnit(target: target.name, durationMilliseconds: ShardDurations.milliseconds(recorded)))
                continue
            }
            collectedCounts[target.name] = tests.count
            var byName: [String: Int] = [:]
            for (index, test) in tests.enumerated() {
                if byName[test] == nil { byName[test] = index }
                let recorded = (try? store.load(target: target.name, caseName: test))??.durationSeconds
                units.append(
                    ShardUnit(
                        target: target.name, test: test, durationMilliseconds: ShardDurations.milliseconds(recorded)))
            }
            positions[target.name] = byName
        }
        plan = ShardPlan(units: units, count: shard.count)
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("memgate-shard-\(UUID().uuidString)")
        var mine: [String: [String]] = [:]
        var wholeTargets: Set<String> = []
        for unit in plan.units(of: shard.index) {
            if let test = unit.test {
                mine[unit.target, default: []].append(test)
            } else {
                wholeTargets.insert(unit.target)
            }
        }
        var targets: [TargetConfig] = []
        for var target in selected {
            if wholeTargets.contains(target.name) {
                targets.append(target)
            } else if let tests = mine[target.name] {
                try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
                let listing = scratch.appendingPathComponent("\(target.name).json")
                try JSONEncoder().encode(tests).write(to: listing)
                target.env["MEMGATE_PYTEST_SELECT"] = listing.path
                targets.append(target)
            }
        }
        self.targets = targets
        self.positions = positions
        self.collectedCounts = collectedCounts
        info = ShardInfo(
            shard: shard, suiteDigest: SuiteDigest.of(configBytes: configBytes, targets: selected.map(\.name)),
            targets: selected.map(\.name))
    }

    deinit { try? FileManager.default.removeItem(at: scratch) }

    /// The results' shard record: `info` with each case's position and the run's problems.
    public func record(cases: [CaseResult], problems: SuiteProblems) -> ShardInfo {
        var record = info
        record.casePositions = cases.map { item in
            positions[item.target]?[item.name] ?? collectedCounts[item.target] ?? 0
        }
        record.inputErrors = problems.inputErrors
        record.internalErrors = problems.internalErrors
        return record
    }
}
