/// Everything one case produced, as the runner gathered it: the only input of the verdict.
public struct CaseEvidence: Sendable {
    /// The target name or pytest node id, used in messages.
    public var caseName: String
    /// The measurement (the median run when repeated); nil when nothing was captured.
    public var profile: Profile?
    /// How the target process ended; nil for a pytest test (its session's end is its own case).
    public var processEnd: CaseResult.ProcessEnd?
    /// Why no capture exists although the target ran (e.g. a statically linked program).
    public var missingCaptureReason: String?
    /// memgate itself could not start the target (a missing command, a capture it cannot
    /// read): not the target's failure, so never `targetExitedNonZero`.
    public var launchFailure: String?
    /// For a pytest test: its own outcome and its pytest-memray markers.
    public var test: PytestOutcome?
    /// The committed baseline, nil when none exists yet.
    public var baseline: Baseline?
    /// This run's fingerprint, compared with the baseline's.
    public var environment: EnvironmentFingerprint?
    public var budget: Budget
    public var tolerance: Tolerance
    /// `--update-baselines`: a fully measured case gets a fresh baseline and is compared with it.
    public var updateBaselines: Bool
    /// How long the case took, recorded coarsely in a fresh baseline to balance shards.
    public var durationSeconds: Double?
    /// `--ratchet` or `ratchet: true`: a stale baseline fails instead of passing with a notice.
    public var ratchet: Bool
    /// `memgate accept`: a fully measured case gets a fresh baseline recording this reason and
    /// the old and new figures (implies `updateBaselines`).
    public var acceptance: AcceptanceRequest?
    /// Peak resident memory of the target's process tree (nil for pytest tests).
    public var residentPeakBytes: Int64?
    /// The kernel's OOM killer ended the target.
    public var killedOutOfMemory: Bool

    public init(
        caseName: String, profile: Profile? = nil, processEnd: CaseResult.ProcessEnd? = nil,
        missingCaptureReason: String? = nil, launchFailure: String? = nil, test: PytestOutcome? = nil,
        baseline: Baseline? = nil, environment: EnvironmentFingerprint? = nil, budget: Budget = Budget(),
        tolerance: Tolerance = Tolerance(), updateBaselines: Bool = false, durationSeconds: Double? = nil,
        ratchet: Bool = false, acceptance: AcceptanceRequest? = nil, residentPeakBytes: Int64? = nil,
        killedOutOfMemory: Bool = false
    ) {
        self.residentPeakBytes = residentPeakBytes
        self.killedOutOfMemory = killedOutOfMemory
        self.acceptance = acceptance
        self.durationSeconds = durationSeconds
        self.ratchet = ratchet
        self.caseName = caseName
        self.profile = profile
        self.processEnd = processEnd
        self.missingCaptureReason = missingCaptureReason
        self.launchFailure = launchFailure
        self.test = test
        self.baseline = baseline
        self.environment = environment
        self.budget = budget
        self.tolerance = tolerance
        self.updateBaselines = updateBaselines
    }
}

/// The decision on one case: its status, the findings that explain it, and what the runner
/// should write afterwards.
public struct Verdict: Sendable, Equatable {
    public var status: CaseResult.Status
    /// Failures first, then notices.
    public var findings: [Finding]
    /// The budget the case was held to (pytest marker sizes in place of the target's limits).
    public var budget: Budget
    /// The baseline the case was compared with (the fresh one when it is to be written).
    public var baseline: Baseline?
    /// A baseline to write after gating (`--update-baselines`), nil when none is due.
    public var baselineToWrite: Baseline?
    /// What the fresh baseline changed, one line each (`peak 17.3 KiB → 18.1 KiB (+4.6%)`).
    public var baselineChanges: [String]

    /// **The** verdict: every rule that can pass, fail or skip a case is applied here, in order
    /// — memgate's own launch failure, the process end (an OOM kill said as such), capture
    /// completeness, budgets (requested bytes, then resident memory), the baseline (failing a
    /// stale one under the ratchet), then the pytest outcome and its markers — and the baseline
    /// `--update-baselines` or `memgate accept` writes is made. Pure; the runner gathers the
    /// inputs and writes `baselineToWrite` afterwards.
    public static func decide(_ evidence: CaseEvidence) -> Verdict {
        let markers = evidence.test.map(MarkerLimits.init)
        let budget = markers?.applied(to: evidence.budget) ?? evidence.budget
        if let launchFailure = evidence.launchFailure {
            return Verdict(
                status: .failed,
                findings: [Finding(kind: .launchFailed, message: "memgate could not run the target: \(launchFailure)")],
                budget: budget, baseline: evidence.baseline, baselineToWrite: nil, baselineChanges: [])
        }
        var baseline = evidence.baseline
        var fresh: Baseline?
        var changes: [String] = []
        let candidate = freshBaseline(evidence)
        if let candidate {
            changes = BaselineChange.describeChanges(old: baseline, new: candidate)
            fresh = baseline == candidate ? nil : candidate
            baseline = candidate
        }
        var findings = measurementFindings(evidence, budget: budget, baseline: baseline)
        var skipped = false
        if let test = evidence.test, let markers {
            if test.outcome == "failed" && test.phase == "setup" {
                // The test never ran, so there is nothing to measure: its error is the verdict.
                findings.removeAll { $0.kind == .noMeasurement }
            }
            findings = pytestFindings(test, markers: markers, profile: evidence.profile) + findings
            if test.outcome == "skipped" {
                let reason = firstLine(test.longRepresentation ?? "")
                findings = reason.isEmpty ? [] : [Finding(kind: .testSkipped, message: reason)]
                skipped = true
            }
        }
        if candidate != nil {
            findings.append(baselineUpdatedFinding(changes: changes, acceptance: evidence.acceptance))
        }
        let ordered = findings.filter(\.isFailure) + findings.filter { !$0.isFailure }
        let status: CaseResult.Status =
            skipped ? .skipped : ordered.contains(where: \.isFailure) ? .failed : .passed
        return Verdict(
            status: status, findings: ordered, budget: budget, baseline: baseline, baselineToWrite: fresh,
            baselineChanges: changes)
    }

    /// Under the ratchet a stale baseline is a failure: budgets only move down, so an improvement
    /// must be locked in by updating the baseline in the same change. Other findings are kept.
    static func ratcheted(_ finding: Finding, baseline: Baseline?, tolerance: Tolerance) -> Finding {
        guard finding.kind == .staleBaseline, let baseline, let deltaBytes = finding.bytes else { return finding }
        return Finding(
            kind: .ratchetStale,
            message:
                "ratchet: peak shrank \(Gate.change(from: baseline.peakBytes, to: baseline.peakBytes + deltaBytes)) "
                + "beyond tolerance \(BytesText.percent(tolerance.growthFraction)) and noise floor "
                + "\(BytesText.format(tolerance.noiseFloorBytes)); the baseline is stale: run "
                + "`memgate run --update-baselines` and commit it to lock the improvement in",
            bytes: deltaBytes)
    }

    /// A profile the tracker did not see to its end, of a process that did not end normally, or
    /// of a skipped test, is never a baseline.
    static func isBaselineCandidate(_ evidence: CaseEvidence) -> Bool {
        guard let profile = evidence.profile, profile.isFullyMeasured, evidence.test?.outcome != "skipped" else {
            return false
        }
        guard let end = evidence.processEnd else { return true }
        if case .exited(0) = end { return true }
        return false
    }

    /// Whether a pytest session's end fails its target as a whole, beside its tests' own cases.
    /// pytest exits 1 when tests fail, which is reported per test; exit 1 with no failed test
    /// reported (e.g. a crashed worker), any other status (2 interrupted, 3 internal error,
    /// 4 usage, 5 no tests), a signal or a timeout fails the target, as does a session that
    /// reported no test at all.
    public static func pytestSessionFails(processEnd: CaseResult.ProcessEnd, tests: [PytestOutcome]) -> Bool {
        guard !tests.isEmpty else { return true }
        guard case .exited(let code) = processEnd else { return true }
        return !(code == 0 || (code == 1 && tests.contains { $0.outcome == "failed" }))
    }

    /// The test's own failure or error, its invalid markers, and its marker limits.
    static func pytestFindings(_ test: PytestOutcome, markers: MarkerLimits, profile: Profile?) -> [Finding] {
        var findings: [Finding] = []
        if test.outcome == "failed" {
            // pytest's report ends with the error line (`E   assert …`, or the exception).
            let errorLine =
                (test.longRepresentation ?? "").split(separator: "\n").last.map(String.init) ?? "assertion failed"
            // A fixture (setup) or teardown that raised is an error, as pytest reports it.
            if let phase = test.phase, phase == "setup" || phase == "teardown" {
                findings.append(Finding(kind: .testError, message: "error in \(phase): \(errorLine)"))
            } else {
                findings.append(Finding(kind: .testFailed, message: "test failed: \(errorLine)"))
            }
        }
        findings += markers.errors
        if markers.errors.isEmpty, test.limitLeakedObjects == true {
            findings += PytestMarkerRules.leakedObjectFindings(
                count: test.leakedObjects, summary: test.leakedObjectsSummary, filterError: test.leakedObjectsError)
        }
        if let profile {
            findings += PytestMarkerRules.findings(
                profile: profile, limitMemoryBytes: markers.limitMemoryBytes, limitLeaksBytes: markers.limitLeaksBytes,
                filteredLeakMaxBytes: test.leakFilterMaxBytes, leakFilterError: test.leakFilterError)
        }
        return findings
    }
}
