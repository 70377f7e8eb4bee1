/// What one suppression rule took out of a case's figures, reported per pattern.
public struct SuppressionEffect: Hashable, Codable, Sendable {
    public var rule: SuppressionRule
    /// Bytes the matched stacks held at the peak (0 for `leak:`, which keeps them).
    public var bytesAtPeak: Int64
    /// Bytes the matched stacks allocated in all (0 for `leak:`).
    public var totalBytes: Int64
    /// Allocations of the matched stacks (0 for `leak:`).
    public var allocationCount: Int64
    /// Bytes the matched stacks still held at the end.
    public var bytesAtEnd: Int64

    enum CodingKeys: String, CodingKey {
        case rule, bytesAtPeak, totalBytes, allocationCount, bytesAtEnd
    }

    public init(
        rule: SuppressionRule, bytesAtPeak: Int64 = 0, totalBytes: Int64 = 0, allocationCount: Int64 = 0,
        bytesAtEnd: Int64 = 0
    ) {
        self.rule = rule
        self.bytesAtPeak = bytesAtPeak
        self.totalBytes = totalBytes
        self.allocationCount = allocationCount
        self.bytesAtEnd = bytesAtEnd
    }
}
