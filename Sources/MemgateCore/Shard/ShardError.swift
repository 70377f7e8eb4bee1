/// Why a shard could not be planned or shards could not be merged; each is a usage error
/// (exit 2) naming what is wrong.
public enum ShardError: Error, Hashable, Sendable, CustomStringConvertible {
    /// `--shard`/`MEMGATE_SHARD` is not `K/N` with `1 <= K <= N`.
    case invalidSpec(text: String, reason: String)
    /// The inputs hold results of different format versions (source → version).
    case differentFormatVersions([String: Int])
    /// The inputs come from different configurations or target selections (source → suite).
    case differentSuites([String: String])
    /// The same case appears in more than one input (or twice in one).
    case duplicatedCases([(target: String, name: String, sources: [String])])
    /// Shards were split differently (`N` differs), or a shard index appears twice.
    case inconsistentShards(String)
    /// `--expect N` was given and these shards are missing.
    case missingShards(expected: Int, missing: [Int])
    /// An input is not a shard (a plain run) while others are, or `--expect` was given.
    case notAShard([String])
    /// Nothing to merge.
    case noInputs

    public var description: String {
        switch self {
        case .invalidSpec(let text, let reason):
            return "invalid shard '\(text)': \(reason)"
        case .differentFormatVersions(let versions):
            return "results of different format versions cannot be merged: "
                + versions.sorted { $0.key < $1.key }.map { "\($0.key) has formatVersion \($0.value)" }
                .joined(separator: ", ")
        case .differentSuites(let suites):
            return "shards of different suites or configurations cannot be merged: "
                + suites.sorted { $0.key < $1.key }.map { "\($0.key) is \($0.value)" }.joined(separator: ", ")
        case .duplicatedCases(let cases):
            let shown = cases.prefix(20).map { "\($0.target): \($0.name) (in \($0.sources.joined(separator: ", ")))" }
            let more = cases.count > 20 ? " and \(cases.count - 20) more" : ""
            return "\(cases.count) case(s) appear more than once: " + shown.joined(separator: "; ") + more
        case .inconsistentShards(let detail):
            return "inconsistent shards: \(detail)"
        case .missingShards(let expected, let missing):
            return
                "missing shard(s) \(missing.map { "\($0)/\(expected)" }.joined(separator: ", ")) of --expect \(expected)"
        case .notAShard(let sources):
            return "not shard results (run with --shard K/N): \(sources.joined(separator: ", "))"
        case .noInputs:
            return "no results to merge"
        }
    }

    public static func == (lhs: ShardError, rhs: ShardError) -> Bool { lhs.description == rhs.description }
    public func hash(into hasher: inout Hasher) { hasher.combine(description) }
}
