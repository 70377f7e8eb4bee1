/// The symbolized measurement of one region (a whole process, one call, or one test).
///
/// All byte figures are *requested* bytes: what the program asked the allocator for.
public struct Profile: Hashable, Codable, Sendable {
    /// How the region ended, as far as the capture can tell.
    public enum Completion: String, Codable, Sendable {
        /// The region ended normally and the capture was finalized.
        case complete
        /// The process died before finalizing; figures are those reached so far.
        case interrupted
    }

    /// Region name: the target name, the measured call, or a pytest node id.
    public var regionName: String
    /// High-water mark of live requested bytes in the region.
    public var peakBytes: Int64
    /// Sum of all requested bytes allocated in the region.
    public var totalBytes: Int64
    /// Number of allocations made in the region.
    public var allocationCount: Int64
    /// Requested bytes still live when the region ended.
    public var bytesAtEnd: Int64
    /// Nanoseconds from the region start to the peak.
    public var peakTimeNanoseconds: Int64
    /// Nanoseconds the region lasted.
    public var durationNanoseconds: Int64
    public var completion: Completion
    /// Unique stacks; only stacks with a non-zero figure are kept.
    public var stacks: [StackRecord] {
        didSet { siteMemo = SiteMemo() }
    }
    /// `topSites` of these stacks, once computed (not coded).
    var siteMemo = SiteMemo()
    /// Memory over time, oldest first.
    public var timeline: [TimelineSample]
    /// Why the figures do not cover the whole region (the tracker could not follow an exec,
    /// or stopped when its capture could not grow); nil when they do. Such a profile never
    /// passes the gate and never becomes a baseline.
    public var unmeasuredReason: String?
    /// Capacity limits the tracker hit that leave the figures right but attribution coarser
    /// (a full stack or name table, stacks not walked for lack of stack space).
    public var captureNotices: [String]?
    /// What each `ignore:` glob and suppression-file rule took out of the figures (in rule order),
    /// nil when the case has no rules. See ``suppressing(_:)``.
    public var suppressions: [SuppressionEffect]?

    /// `frames` is the results file's table of the stacks' frames (Profile+Coding.swift).
    enum CodingKeys: String, CodingKey {
        case regionName, peakBytes, totalBytes, allocationCount, bytesAtEnd
        case peakTimeNanoseconds, durationNanoseconds, completion, frames, stacks, timeline
        case unmeasuredReason, captureNotices, suppressions
    }

    /// True when the tracker saw the region to its end: the figures are the whole truth.
    public var isFullyMeasured: Bool { completion == .complete && unmeasuredReason == nil }

    public init(
        regionName: String, peakBytes: Int64, totalBytes: Int64, allocationCount: Int64,
        bytesAtEnd: Int64, peakTimeNanoseconds: Int64 = 0, durationNanoseconds: Int64 = 0,
        completion: Completion = .complete, stacks: [StackRecord] = [], timeline: [TimelineSample] = []
    ) {
        self.regionName = regionName
        self.peakBytes = peakBytes
        self.totalBytes = totalBytes
        self.allocationCount = allocationCount
        self.bytesAtEnd = bytesAtEnd
        self.peakTimeNanoseconds = peakTimeNanoseconds
        self.durationNanoseconds = durationNanoseconds
        self.completion = completion
        self.stacks = stacks
        self.timeline = timeline
    }
}
