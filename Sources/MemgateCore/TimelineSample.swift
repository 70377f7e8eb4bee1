/// One point of the memory-over-time series: live requested bytes at a moment of the region.
public struct TimelineSample: Hashable, Codable, Sendable {
    /// Nanoseconds since the region began.
    public var timeNanoseconds: Int64
    /// Live requested bytes at that moment.
    public var liveBytes: Int64

    enum CodingKeys: String, CodingKey {
        case timeNanoseconds = "t"
        case liveBytes = "b"
    }

    public init(timeNanoseconds: Int64, liveBytes: Int64) {
        self.timeNanoseconds = timeNanoseconds
        self.liveBytes = liveBytes
    }
}
