/// The absolute limits a case is held to, whatever its baseline says.
public struct Budget: Hashable, Codable, Sendable {
    /// Peak live bytes allowed (`limit`); the case fails when the peak exceeds it.
    public var limitBytes: Int64?
    /// Bytes allowed to stay live at the end (`limit-leaks`).
    public var leakLimitBytes: Int64?
    /// Allocations allowed (`max-allocations`).
    public var maxAllocations: Int64?
    /// Peak resident memory of the process tree allowed (`limit-rss`).
    public var limitResidentBytes: Int64?

    enum CodingKeys: String, CodingKey {
        case limitBytes, leakLimitBytes, maxAllocations, limitResidentBytes
    }

    public init(
        limitBytes: Int64? = nil, leakLimitBytes: Int64? = nil, maxAllocations: Int64? = nil,
        limitResidentBytes: Int64? = nil
    ) {
        self.limitResidentBytes = limitResidentBytes
        self.limitBytes = limitBytes
        self.leakLimitBytes = leakLimitBytes
        self.maxAllocations = maxAllocations
    }
}
