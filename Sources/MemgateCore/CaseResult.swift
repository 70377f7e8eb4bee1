/// The outcome of one gated case: a configured target, or one test of a pytest target.
public struct CaseResult: Hashable, Codable, Sendable {
    /// Final status of the case.
    public enum Status: String, Codable, Sendable {
        case passed
        case failed
        case skipped
    }

    /// How the target process ended.
    public enum ProcessEnd: Hashable, Codable, Sendable {
        case exited(code: Int32)
        case signalled(signal: Int32)
        case timedOut(afterSeconds: Double)
    }

    /// Name of the configured target this case belongs to.
    public var target: String
    /// Case name: the target name, or a pytest node id.
    public var name: String
    public var status: Status
    /// Failures first, then notices.
    public var findings: [Finding]
    /// The (median, when repeated) measurement; nil when nothing could be measured.
    public var profile: Profile?
    public var budget: Budget
    public var tolerance: Tolerance
    /// The committed baseline compared against, if any.
    public var baseline: Baseline?
    /// Wall time of the case in seconds.
    public var durationSeconds: Double
    /// Peaks of each repetition when `repeat` > 1, in run order.
    public var repeatPeakBytes: [Int64]
    public var processEnd: ProcessEnd?
    /// Path of the HTML flamegraph relative to the artifacts directory, once written.
    public var flamegraphPath: String?
    /// Last lines of the target's output (untrusted text).
    public var outputTail: String
    public var environment: EnvironmentFingerprint?
    /// Peak resident memory (RSS) of the target's process tree in bytes, beside the requested
    /// bytes' peak; nil for pytest tests and when it could not be read.
    public var residentPeakBytes: Int64?
    /// Resident memory of the process tree over the run, sampled, on the profile's timeline
    /// (nanoseconds since the measured region began); nil when not sampled (pytest tests).
    public var residentTimeline: [TimelineSample]?
    /// High-water mark of the memory charged to the target's own memory cgroup (`memory.peak` /
    /// `memory.max_usage_in_bytes`): exact for the tree, but RSS plus page cache, the tracker's
    /// capture file included; nil when the target ran in no cgroup of its own.
    public var chargedPeakBytes: Int64?

    enum CodingKeys: String, CodingKey {
        case target, name, status, findings, profile, budget, tolerance, baseline, durationSeconds
        case repeatPeakBytes, processEnd, flamegraphPath, outputTail, environment, residentPeakBytes
        case residentTimeline, chargedPeakBytes
    }

    public init(
        target: String, name: String, status: Status, findings: [Finding] = [], profile: Profile? = nil,
        budget: Budget = Budget(), tolerance: Tolerance = Tolerance(), baseline: Baseline? = nil,
        durationSeconds: Double = 0, repeatPeakBytes: [Int64] = [], processEnd: ProcessEnd? = nil,
        flamegraphPath: String? = nil, outputTail: String = "", environment: EnvironmentFingerprint? = nil,
        residentPeakBytes: Int64? = nil
    ) {
        self.residentPeakBytes = residentPeakBytes
        self.target = target
        self.name = name
        self.status = status
        self.findings = findings
        self.profile = profile
        self.budget = budget
        self.tolerance = tolerance
        self.baseline = baseline
        self.durationSeconds = durationSeconds
        self.repeatPeakBytes = repeatPeakBytes
        self.processEnd = processEnd
        self.flamegraphPath = flamegraphPath
        self.outputTail = outputTail
        self.environment = environment
    }

    /// The failure findings, in order.
    public var failures: [Finding] { findings.filter(\.isFailure) }

    /// Whether the case failed outside the test itself, as pytest's "error" outcome: its first
    /// failure is a test's setup or teardown error. Crashes and timeouts stay failures of the
    /// gate.
    public var isError: Bool { status == .failed && failures.first?.kind == .testError }
}
