/// The measurement rules `Verdict.decide` applies (see Verdict.swift, where every case's status
/// is decided): turns one case's measurement, budget, tolerance and baseline into findings.
/// Pure; not called from outside Core.
///
/// Rules (see DESIGN.md, "Verdict rules"):
/// - the process must end normally: a crash, a timeout or a non-zero exit fails, and the
///   peak reached so far is still checked;
/// - absolute budgets: peak ≤ `limit`, bytes live at the end ≤ `limit-leaks`,
///   allocations ≤ `max-allocations`;
/// - against the baseline: the peak, and each current top site, may not grow beyond both
///   the tolerance fraction and the noise floor; a site new to the baseline may not enter the
///   top N above the noise floor. Shrinking beyond both is a pass with a stale-baseline notice.
public enum Gate {
    /// Evaluates one case.
    ///
    /// - Parameters:
    ///   - caseName: the target name or pytest node id, used in messages.
    ///   - profile: the measurement (the median run when repeated); nil when nothing was captured.
    ///   - baseline: the committed baseline, nil when none exists yet.
    ///   - processEnd: how the target process ended, nil when unknown.
    ///   - environment: this run's fingerprint, compared with the baseline's.
    ///   - missingCaptureReason: why nothing was captured, when `profile` is nil and the runner knows.
    /// - Returns: `.failed` when any finding is a failure, else `.passed`; findings hold the
    ///   failures first (process, budgets, baseline), then the notices.
    static func evaluate(
        caseName: String, profile: Profile?, budget: Budget, tolerance: Tolerance, baseline: Baseline?,
        processEnd: CaseResult.ProcessEnd?, environment: EnvironmentFingerprint?, missingCaptureReason: String? = nil
    ) -> (status: CaseResult.Status, findings: [Finding]) {
        var findings: [Finding] = []
        if let processEnd, let failure = processFinding(processEnd, peakBytes: profile?.peakBytes) {
            findings.append(failure)
        } else if profile == nil, let missingCaptureReason {
            findings.append(Finding(kind: .notMeasured, message: "not measured: \(missingCaptureReason)"))
        } else if profile == nil {
            findings.append(
                Finding(
                    kind: noMeasurementKind,
                    message: "no measurement was captured for \(caseName); the tracker recorded nothing"))
        }
        if let profile {
            findings += measurementFindings(caseName: caseName, profile: profile, processEnd: processEnd)
            findings += budgetFindings(profile, budget: budget)
        }
        if let baseline {
            if let environment, environment != baseline.environment {
                findings.append(environmentFinding(current: environment, baseline: baseline.environment))
            }
            if let profile {
                findings += baselineFindings(profile, baseline: baseline, tolerance: tolerance)
            }
        } else {
            findings.append(
                Finding(
                    kind: .missingBaseline,
                    message: "no baseline for \(caseName) yet; run `memgate run --update-baselines` to record one"))
        }
        let ordered = findings.filter(\.isFailure) + findings.filter { !$0.isFailure }
        return (ordered.contains(where: \.isFailure) ? .failed : .passed, ordered)
    }

    /// `Finding.Kind` has no case for "nothing measured although the process ended normally";
    /// the closest is a crashed target (the region never reported). One place to change it.
    static let noMeasurementKind = Finding.Kind.noMeasurement

    /// The failure for an abnormal process end, or nil for a zero exit status.
    static func processFinding(_ end: CaseResult.ProcessEnd, peakBytes: Int64?) -> Finding? {
        // A killed process only got so far; an exited one finished, so its peak is the peak.
        let peakText = peakBytes.map { "peak so far \(BytesText.format($0))" } ?? "no measurement was captured"
        switch end {
        case .exited(let code):
            guard code != 0 else { return nil }
            let finalPeak = peakBytes.map { "peak \(BytesText.format($0))" } ?? "no measurement was captured"
            return Finding(kind: .targetExitedNonZero, message: "target exited with status \(code); \(finalPeak)")
        case .signalled(let signal):
            return Finding(
                kind: .targetCrashed,
                message: "target crashed with \(SignalName.describe(signal)) (signal \(signal)); \(peakText)")
        case .timedOut(let seconds):
            return Finding(
                kind: .targetTimedOut,
                message: "target timed out after \(secondsText(seconds)) and was killed; \(peakText)")
        }
    }

    /// "Not measured" when the tracker did not see the region to its end although the process
    /// ended normally (a crash or timeout already fails), and the tracker's capacity notices.
    static func measurementFindings(caseName: String, profile: Profile, processEnd: CaseResult.ProcessEnd?)
        -> [Finding]
    {
        var findings: [Finding] = []
        let endedNormally: Bool
        if case .exited(0)? = processEnd { endedNormally = true } else { endedNormally = processEnd == nil }
        if let reason = profile.unmeasuredReason {
            findings.append(Finding(kind: .notMeasured, message: reason))
        } else if profile.completion == .interrupted && endedNormally {
            findings.append(
                Finding(
                    kind: .notMeasured,
                    message: "not measured: the tracker did not see \(caseName) to its end (its capture was never "
                        + "finalized, e.g. the process exec'd a program the tracker cannot reach); figures so far: "
                        + "peak \(BytesText.format(profile.peakBytes))"))
        }
        for notice in profile.captureNotices ?? [] {
            findings.append(Finding(kind: .captureLimit, message: notice))
        }
        return findings
    }

    /// Limit, leak-limit and allocation-count failures, in that order.
    static func budgetFindings(_ profile: Profile, budget: Budget) -> [Finding] {
        var findings: [Finding] = []
        if let limit = budget.limitBytes, profile.peakBytes > limit {
            findings.append(
                Finding(
                    kind: .limitExceeded,
                    message: "peak \(BytesText.format(profile.peakBytes)) exceeds limit \(BytesText.format(limit))",
                    bytes: profile.peakBytes - limit))
        }
        if let limit = budget.leakLimitBytes, profile.bytesAtEnd > limit {
            findings.append(
                Finding(
                    kind: .leakLimitExceeded,
                    message: "\(BytesText.format(profile.bytesAtEnd)) still live at end exceeds leak limit "
                        + BytesText.format(limit),
                    bytes: profile.bytesAtEnd - limit))
        }
        if let limit = budget.maxAllocations, profile.allocationCount > limit {
            findings.append(
                Finding(
                    kind: .allocationLimitExceeded,
                    message: "\(profile.allocationCount) allocations exceed max-allocations \(limit)"))
        }
        return findings
    }

    static func environmentFinding(current: EnvironmentFingerprint, baseline: EnvironmentFingerprint) -> Finding {
        Finding(
            kind: .environmentMismatch,
            message: "baseline was recorded on \(describe(baseline)) but this run is on \(describe(current)); "
                + "figures compared anyway")
    }

    /// `python 3.11.7, glibc 2.36, x86_64` (`native` when there is no Python).
    static func describe(_ environment: EnvironmentFingerprint) -> String {
        let python = environment.python.map { "python \($0)" } ?? "native"
        return "\(python), \(environment.libc), \(environment.arch)"
    }

    /// `120 s`, `1.5 s`.
    static func secondsText(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds < 1e15 else { return "\(seconds) s" }
        let tenths = (seconds * 10).rounded()
        let whole = Int64(tenths / 10)
        let decimal = Int64(tenths) - whole * 10
        return decimal == 0 ? "\(whole) s" : "\(whole).\(decimal) s"
    }
}
