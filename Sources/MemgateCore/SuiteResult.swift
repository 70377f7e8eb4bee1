/// All cases of one `memgate run`, in configuration order. Mergeable across shards by
/// concatenating `cases` (names are unique per suite).
public struct SuiteResult: Hashable, Codable, Sendable {
    /// Format version of the JSON results file. 2: a profile's stacks refer to its `frames`
    /// table (format 1 spelled each stack's frames out, and is still read).
    public static let currentFormatVersion = 2

    public var formatVersion: Int
    /// Suite name (the config file's stem, e.g. "memgate").
    public var name: String
    public var cases: [CaseResult]
    /// Wall time of the whole run in seconds.
    public var durationSeconds: Double
    /// Set by `memgate run --shard K/N`: which shard this is and what `memgate merge` checks.
    public var shard: ShardInfo?

    enum CodingKeys: String, CodingKey {
        case formatVersion, name, cases, durationSeconds, shard
    }

    public init(name: String, cases: [CaseResult], durationSeconds: Double) {
        self.formatVersion = SuiteResult.currentFormatVersion
        self.name = name
        self.cases = cases
        self.durationSeconds = durationSeconds
    }

    // Counted by index, each case read in place: filtering, or iterating the cases, copied every
    // case (a merge's 50 000, per count).
    public var failedCount: Int { cases.indices.reduce(0) { cases[$1].status == .failed ? $0 + 1 : $0 } }
    /// Failed cases that are errors (`CaseResult.isError`); they are also in `failedCount`.
    public var errorCount: Int { cases.indices.reduce(0) { cases[$1].isError ? $0 + 1 : $0 } }
    public var skippedCount: Int { cases.indices.reduce(0) { cases[$1].status == .skipped ? $0 + 1 : $0 } }
    public var passedCount: Int { cases.indices.reduce(0) { cases[$1].status == .passed ? $0 + 1 : $0 } }
}
