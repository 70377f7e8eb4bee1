import MemgateCore

/// One case as measured, before gating: what the tracker and the target reported.
public struct MeasuredCase: Sendable {
    public var name: String
    public var profile: Profile?
    public var processEnd: CaseResult.ProcessEnd?
    public var outputTail: String
    public var durationSeconds: Double
    /// For pytest cases: the test's own outcome and its pytest-memray markers.
    public var test: PytestOutcome?
    /// Why no capture exists although the target ran (e.g. a statically linked program), when known.
    public var missingCaptureReason: String?
    /// Peak resident memory of the target's process tree (nil for a pytest test: its process
    /// is shared with the other tests).
    public var residentPeakBytes: Int64?
    /// Resident memory sampled over the run, on the profile's timeline.
    public var residentTimeline: [TimelineSample]?
    /// The target's memory cgroup's high-water mark, when it ran in one.
    public var chargedPeakBytes: Int64?
    /// The kernel's OOM killer ended the target.
    public var killedOutOfMemory = false

    public init(
        name: String, profile: Profile?, processEnd: CaseResult.ProcessEnd?, outputTail: String,
        durationSeconds: Double, test: PytestOutcome? = nil
    ) {
        self.name = name
        self.profile = profile
        self.processEnd = processEnd
        self.outputTail = outputTail
        self.durationSeconds = durationSeconds
        self.test = test
    }
}
