/// Joins the results of shards (`memgate merge`) into the result a single run over all their
/// cases would have given, after checking that they belong together.
public enum ShardMerge {
    /// The results of one input (a shard's artifacts directory), named for messages.
    public struct Input: Sendable {
        public var source: String
        public var suites: [SuiteResult]

        public init(source: String, suites: [SuiteResult]) {
            self.source = source
            self.suites = suites
        }
    }

    /// The merged suite and the problems the shards met (which decide the exit code as they
    /// would have in one run).
    public struct Outcome: Sendable {
        public var suite: SuiteResult
        public var inputErrors: [String]
        public var internalErrors: [String]
    }

    /// Merges shards.
    ///
    /// - Parameters:
    ///   - inputs: one per shard, in any order.
    ///   - expectedShards: with `--expect N`, every shard `1/N`…`N/N` must be present.
    /// - Throws: `ShardError` naming what does not belong together: different format versions,
    ///   suites or configurations, mixed or inconsistent shards, missing shards, duplicated cases.
    public static func merge(_ inputs: [Input], expectedShards: Int? = nil) throws(ShardError) -> Outcome {
        let parts = inputs.flatMap { input in input.suites.map { (source: input.source, suite: $0) } }
        guard !parts.isEmpty else { throw .noInputs }
        try checkVersions(parts)
        let ordered = try checkShards(parts, expectedShards: expectedShards)
        try checkSuites(ordered)
        try checkDuplicates(ordered)
        return Outcome(
            suite: SuiteResult(
                name: ordered[0].suite.name, cases: orderedCases(ordered),
                durationSeconds: ordered.map(\.suite.durationSeconds).max() ?? 0),
            inputErrors: ordered.flatMap { $0.suite.shard?.inputErrors ?? [] },
            internalErrors: ordered.flatMap { $0.suite.shard?.internalErrors ?? [] })
    }

    private typealias Part = (source: String, suite: SuiteResult)

    private static func checkVersions(_ parts: [Part]) throws(ShardError) {
        var versions: [String: Int] = [:]
        for part in parts { versions[part.source] = part.suite.formatVersion }
        if Set(versions.values).count > 1 { throw .differentFormatVersions(versions) }
    }

    private static func checkSuites(_ parts: [Part]) throws(ShardError) {
        var suites: [String: String] = [:]
        for part in parts {
            let digest = part.suite.shard.map { " (config digest \($0.suiteDigest))" } ?? ""
            suites[part.source] = "'\(part.suite.name)'\(digest)"
        }
        if Set(suites.values).count > 1 { throw .differentSuites(suites) }
    }

    /// Checks shard numbering and returns the parts in shard order.
    private static func checkShards(_ parts: [Part], expectedShards: Int?) throws(ShardError) -> [Part] {
        let plain = parts.filter { $0.suite.shard == nil }.map(\.source)
        if plain.isEmpty == false && (plain.count < parts.count || expectedShards != nil) { throw .notAShard(plain) }
        guard plain.isEmpty else { return parts }
        let counts = Set(parts.compactMap { $0.suite.shard?.shard.count })
        guard counts.count == 1, let count = counts.first else {
            throw .inconsistentShards(
                "split into different numbers of shards: "
                    + parts.map { "\($0.source) is \($0.suite.shard!.shard)" }.joined(separator: ", "))
        }
        var sourcesByIndex: [Int: [String]] = [:]
        for part in parts { sourcesByIndex[part.suite.shard!.shard.index, default: []].append(part.source) }
        if let (index, sources) = sourcesByIndex.sorted(by: { $0.key < $1.key }).first(where: { $0.value.count > 1 }) {
            throw .inconsistentShards(
                "shard \(index)/\(count) given more than once: \(sources.joined(separator: ", "))")
        }
        if let expectedShards {
            guard expectedShards == count else {
                throw .inconsistentShards("--expect \(expectedShards), but the shards are of \(count)")
            }
            let missing = (1...count).filter { sourcesByIndex[$0] == nil }
            if !missing.isEmpty { throw .missingShards(expected: count, missing: missing) }
        }
        return parts.sorted { $0.suite.shard!.shard.index < $1.suite.shard!.shard.index }
    }

    private static func checkDuplicates(_ parts: [Part]) throws(ShardError) {
        // One dictionary entry per case; source lists are built only for the duplicates.
        var firstPart: [CaseKey: Int] = [:]
        firstPart.reserveCapacity(parts.reduce(0) { $0 + $1.suite.cases.count })
        var duplicated: [CaseKey: [String]] = [:]
        var order: [CaseKey] = []
        for (index, part) in parts.enumerated() {
            for item in part.suite.cases {
                let key = CaseKey(target: item.target, name: item.name)
                if let first = firstPart[key] {
                    if duplicated[key] == nil {
                        duplicated[key] = [parts[first].source]
                        order.append(key)
                    }
                    duplicated[key]?.append(part.source)
                } else {
                    firstPart[key] = index
                }
            }
        }
        if !order.isEmpty { throw .duplicatedCases(order.map { ($0.target, $0.name, duplicated[$0] ?? []) }) }
    }

    /// Cases in single-run order (targets in configuration order, tests in collection order),
    /// each marked when it was measured in a different environment than the first shard's.
    private static func orderedCases(_ parts: [Part]) -> [CaseResult] {
        let targetOrder = parts[0].suite.shard?.targets ?? []
        var targetIndex: [String: Int] = [:]
        for (index, name) in targetOrder.enumerated() where targetIndex[name] == nil { targetIndex[name] = index }
        let reference = referenceEnvironment(parts[0].suite)
        // Keys are sorted and each case is copied once, into place: sorting (key, case) pairs
        // moved whole cases around, and the pairs were copied again to drop the keys.
        var keys: [SortKey] = []
        keys.reserveCapacity(parts.reduce(0) { $0 + $1.suite.cases.count })
        for (partIndex, part) in parts.enumerated() {
            let positions = part.suite.shard?.casePositions ?? []
            for caseIndex in part.suite.cases.indices {
                let position = caseIndex < positions.count ? positions[caseIndex] : 0
                keys.append(
                    SortKey(
                        target: targetIndex[part.suite.cases[caseIndex].target] ?? Int.max, position: position,
                        part: partIndex, index: caseIndex))
            }
        }
        if !targetOrder.isEmpty { keys.sort() }
        return keys.map { key in
            let part = parts[key.part]
            var item = part.suite.cases[key.index]
            if key.part > 0, let notice = environmentNotice(item, reference: reference, part: part) {
                item.findings.append(notice)
            }
            return item
        }
    }

    private struct ReferenceEnvironment {
        var shard: String
        var libc: String?
        var arch: String?
        var python: String?
    }

    private static func referenceEnvironment(_ suite: SuiteResult) -> ReferenceEnvironment {
        let environments = suite.cases.compactMap(\.environment)
        return ReferenceEnvironment(
            shard: suite.shard.map { "shard \($0.shard)" } ?? "the first input",
            libc: environments.first?.libc, arch: environments.first?.arch,
            python: environments.lazy.compactMap(\.python).first)
    }

    private static func environmentNotice(_ item: CaseResult, reference: ReferenceEnvironment, part: Part)
        -> Finding?
    {
        guard let environment = item.environment else { return nil }
        var differences: [String] = []
        if let libc = reference.libc, libc != environment.libc {
            differences.append("libc \(environment.libc) vs \(libc)")
        }
        if let arch = reference.arch, arch != environment.arch {
            differences.append("arch \(environment.arch) vs \(arch)")
        }
        if let python = reference.python, let own = environment.python, own != python {
            differences.append("python \(own) vs \(python)")
        }
        guard !differences.isEmpty else { return nil }
        let shard = part.suite.shard.map { "shard \($0.shard)" } ?? part.source
        return Finding(
            kind: .environmentMismatch,
            message: "measured by \(shard) on a different environment than \(reference.shard): "
                + differences.joined(separator: ", "))
    }

    /// Single-run order: target in configuration order, position inside the target, then input order.
    private struct SortKey: Comparable {
        var target: Int
        var position: Int
        var part: Int
        var index: Int

        static func < (lhs: SortKey, rhs: SortKey) -> Bool {
            (lhs.target, lhs.position, lhs.part, lhs.index) < (rhs.target, rhs.position, rhs.part, rhs.index)
        }
    }

    private struct CaseKey: Hashable {
        var target: String
        var name: String
    }
}
