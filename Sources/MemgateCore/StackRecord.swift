/// The aggregated figures of one unique allocation stack within a measured region.
public struct StackRecord: Hashable, Codable, Sendable {
    /// Frames from the outermost caller (index 0) to the allocating frame (last).
    public var frames: [Frame]
    /// Requested bytes allocated from this stack and still live when the region reached its peak.
    public var bytesAtPeak: Int64
    /// Number of those allocations live at the peak.
    public var allocationsAtPeak: Int64
    /// Requested bytes allocated from this stack over the whole region.
    public var totalBytes: Int64
    /// Number of allocations made from this stack over the whole region.
    public var allocationCount: Int64
    /// Requested bytes from this stack still live when the region ended (leaks).
    public var bytesAtEnd: Int64

    enum CodingKeys: String, CodingKey {
        case frames, bytesAtPeak, allocationsAtPeak, totalBytes, allocationCount, bytesAtEnd
    }

    public init(
        frames: [Frame], bytesAtPeak: Int64, allocationsAtPeak: Int64, totalBytes: Int64,
        allocationCount: Int64, bytesAtEnd: Int64
    ) {
        self.frames = frames
        self.bytesAtPeak = bytesAtPeak
        self.allocationsAtPeak = allocationsAtPeak
        self.totalBytes = totalBytes
        self.allocationCount = allocationCount
        self.bytesAtEnd = bytesAtEnd
    }
}
