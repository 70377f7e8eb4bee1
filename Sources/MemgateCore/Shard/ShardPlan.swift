/// A deterministic split of a suite's units over `count` shards, balanced by recorded
/// durations when baselines have them and by count otherwise.
///
/// The assignment depends only on the units' names and recorded durations (committed in
/// `Baselines/`), never on the machine, the clock or the order of a hash table, so every CI
/// job computes the same plan and each unit runs in exactly one shard.
///
/// Algorithm: longest-processing-time first. Units are sorted by weight (descending), then by
/// target and test name (ascending); each goes to the shard with the least total weight so
/// far, the lowest index on a tie. A unit without a recorded duration weighs the median of
/// the recorded ones (1 ms when none is recorded), so with no durations the split is by count
/// (round-robin over the sorted names).
public struct ShardPlan: Sendable {
    /// The units in suite order (targets in config order, tests in collection order).
    public let units: [ShardUnit]
    /// Number of shards.
    public let count: Int
    /// The 1-based shard of each unit, parallel to `units`.
    public let shardOfUnit: [Int]

    /// - Parameters:
    ///   - units: every unit of the suite, in suite order.
    ///   - count: number of shards (at least 1).
    public init(units: [ShardUnit], count: Int) {
        precondition(count >= 1)
        self.units = units
        self.count = count
        let weights = ShardPlan.weights(units)
        let order = units.indices.sorted { left, right in
            if weights[left] != weights[right] { return weights[left] > weights[right] }
            if units[left].target != units[right].target {
                return units[left].target.utf8.lexicographicallyPrecedes(units[right].target.utf8)
            }
            return (units[left].test ?? "").utf8.lexicographicallyPrecedes((units[right].test ?? "").utf8)
        }
        var loads = [Int64](repeating: 0, count: count)
        var assignment = [Int](repeating: 0, count: units.count)
        for unit in order {
            var lightest = 0
            for shard in 1..<count where loads[shard] < loads[lightest] { lightest = shard }
            loads[lightest] += weights[unit]
            assignment[unit] = lightest + 1
        }
        self.shardOfUnit = assignment
    }

    /// The units of one shard, in suite order.
    public func units(of shard: Int) -> [ShardUnit] {
        units.indices.filter { shardOfUnit[$0] == shard }.map { units[$0] }
    }

    /// Total weight (milliseconds, unknown durations estimated) of each shard, 1-based order.
    public var loadsMilliseconds: [Int64] {
        let weights = ShardPlan.weights(units)
        var loads = [Int64](repeating: 0, count: count)
        for index in units.indices { loads[shardOfUnit[index] - 1] += weights[index] }
        return loads
    }

    private static func weights(_ units: [ShardUnit]) -> [Int64] {
        let known = units.compactMap(\.durationMilliseconds).map { max(1, $0) }.sorted()
        let estimate = known.isEmpty ? 1 : known[(known.count - 1) / 2]
        return units.map { $0.durationMilliseconds.map { max(1, $0) } ?? estimate }
    }
}
