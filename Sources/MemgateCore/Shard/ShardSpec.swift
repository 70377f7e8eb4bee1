import Foundation

/// Which part of a suite one CI job runs: shard `index` of `count`, both 1-based
/// (`--shard 2/4`, `MEMGATE_SHARD=2/4`, GitLab's `$CI_NODE_INDEX/$CI_NODE_TOTAL`).
public struct ShardSpec: Hashable, Codable, Sendable, CustomStringConvertible {
    /// 1-based index of this shard.
    public var index: Int
    /// Number of shards the suite is split into.
    public var count: Int

    enum CodingKeys: String, CodingKey {
        case index, count
    }

    /// - Precondition: `1 <= index <= count`.
    public init(index: Int, count: Int) {
        precondition(count >= 1 && index >= 1 && index <= count, "shard \(index)/\(count) out of range")
        self.index = index
        self.count = count
    }

    /// Parses `K/N` with `1 <= K <= N`.
    /// - Throws: `ShardError.invalidSpec` with a valid example.
    public static func parse(_ text: String) throws(ShardError) -> ShardSpec {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else {
            throw .invalidSpec(text: text, reason: "expected K/N, e.g. 2/4 (the second of four shards)")
        }
        guard count >= 1, index >= 1, index <= count else {
            throw .invalidSpec(text: text, reason: "K must be between 1 and N, and N at least 1, e.g. 2/4")
        }
        return ShardSpec(index: index, count: count)
    }

    public var description: String { "\(index)/\(count)" }
}
