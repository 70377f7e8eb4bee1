/// One indivisible piece of work for sharding: a whole target, or one test of a pytest target.
public struct ShardUnit: Hashable, Sendable {
    /// The configured target.
    public var target: String
    /// The pytest node id, or nil for the whole target.
    public var test: String?
    /// Wall time recorded in the case's baseline, in milliseconds; nil when unknown.
    public var durationMilliseconds: Int64?

    public init(target: String, test: String? = nil, durationMilliseconds: Int64? = nil) {
        self.target = target
        self.test = test
        self.durationMilliseconds = durationMilliseconds
    }

    /// The case name this unit produces (the target name, or the node id).
    public var caseName: String { test ?? target }
}
