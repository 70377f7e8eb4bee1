/// What a sharded `memgate run` records in its results (`SuiteResult.shard`) so that
/// `memgate merge` can check the shards belong together and rebuild the single-run result.
public struct ShardInfo: Hashable, Codable, Sendable {
    /// Which shard this is.
    public var shard: ShardSpec
    /// Identity of the split suite: a digest of the configuration file's bytes and the targets
    /// selected (`SuiteDigest`). Shards with different digests are never merged.
    public var suiteDigest: String
    /// Every selected target of the whole suite in configuration order (not only this shard's).
    public var targets: [String]
    /// Parallel to the suite's `cases`: each case's position inside its target (its pytest
    /// collection index; 0 for a plain target), so merged cases come out in single-run order.
    public var casePositions: [Int]
    /// Invalid baseline files and other input errors met (a single run exits 2 on them).
    public var inputErrors: [String]
    /// Targets memgate itself could not run (a single run exits 3 on them).
    public var internalErrors: [String]

    enum CodingKeys: String, CodingKey {
        case shard, suiteDigest, targets, casePositions, inputErrors, internalErrors
    }

    public init(
        shard: ShardSpec, suiteDigest: String, targets: [String], casePositions: [Int] = [],
        inputErrors: [String] = [], internalErrors: [String] = []
    ) {
        self.shard = shard
        self.suiteDigest = suiteDigest
        self.targets = targets
        self.casePositions = casePositions
        self.inputErrors = inputErrors
        self.internalErrors = internalErrors
    }
}

/// A stable digest of what a suite is: the same bytes on every machine give the same text.
public enum SuiteDigest {
    /// FNV-1a (64-bit) over the configuration file's bytes and the selected target names, as
    /// 16 hex digits. Not cryptographic: it tells shards of different suites apart.
    public static func of(configBytes: [UInt8], targets: [String]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ byte: UInt8) {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        configBytes.forEach(mix)
        for name in targets {
            mix(0)
            name.utf8.forEach(mix)
        }
        let text = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }
}
