import MemgateCore

/// What a flamegraph page shows: a gated case, or a bare capture (`memgate report --html`),
/// which has no verdict, budget or baseline and is never dressed up as a passed case.
struct FlamegraphSubject {
    var name: String
    var target: String
    /// nil for a bare capture: there was no verdict.
    var status: CaseResult.Status?
    var profile: Profile?
    var budget: Budget
    var baseline: Baseline?
    var tolerance: Tolerance
    var findings: [Finding]
    var durationSeconds: Double
    var processEnd: CaseResult.ProcessEnd?
    var outputTail: String
    /// Peak resident memory of the process tree; nil for a bare capture.
    var residentPeakBytes: Int64?
    /// Resident memory sampled over the run, on the profile's timeline; empty for a bare capture.
    var residentTimeline: [TimelineSample] = []
    /// The target's cgroup's high-water mark; nil without one.
    var chargedPeakBytes: Int64?

    init(_ result: CaseResult) {
        name = result.name
        target = result.target
        status = result.status
        profile = result.profile
        budget = result.budget
        baseline = result.baseline
        tolerance = result.tolerance
        findings = result.findings
        durationSeconds = result.durationSeconds
        processEnd = result.processEnd
        outputTail = result.outputTail
        residentPeakBytes = result.residentPeakBytes
        residentTimeline = result.residentTimeline ?? []
        chargedPeakBytes = result.chargedPeakBytes
    }

    init(capture profile: Profile, topSites: Int) {
        name = profile.regionName
        target = profile.regionName
        status = nil
        self.profile = profile
        budget = Budget()
        baseline = nil
        tolerance = Tolerance(topSites: topSites)
        findings = []
        durationSeconds = Double(profile.durationNanoseconds) / 1e9
        processEnd = nil
        outputTail = ""
    }
}
