extension Verdict {
    /// The baseline `--update-baselines` or `memgate accept` writes for this case, or nil when
    /// none is due (not asked for, or the case is not a baseline candidate).
    static func freshBaseline(_ evidence: CaseEvidence) -> Baseline? {
        guard evidence.updateBaselines || evidence.acceptance != nil, let profile = evidence.profile,
            isBaselineCandidate(evidence), let environment = evidence.environment
        else { return nil }
        let previous = evidence.baseline
        // Twice the compared sites are recorded, so a site that was just below the top N
        // and moves up a rank is compared with its figure instead of being reported as new.
        var candidate = Baseline(
            profile: profile, topSites: evidence.tolerance.topSites * 2, environment: environment,
            name: evidence.caseName)
        candidate.residentPeakBytes = Gate.residentToRecord(
            previous: previous?.residentPeakBytes, measured: evidence.residentPeakBytes, tolerance: evidence.tolerance)
        if let seconds = evidence.durationSeconds {
            candidate.durationSeconds = ShardDurations.toRecord(
                previous: previous?.durationSeconds, measuredSeconds: seconds)
        }
        // The last acceptance stays with the baseline until the next one, so the reason a budget
        // grew is still in the file after later routine updates.
        candidate.accepted =
            evidence.acceptance.map {
                BaselineAcceptance(
                    reason: $0.reason, date: $0.date, old: previous.map(BaselineAcceptance.Figures.init),
                    new: BaselineAcceptance.Figures(candidate))
            } ?? previous?.accepted
        return candidate
    }

    /// The process, capture, budget and baseline findings (``Gate``), with an OOM kill said as
    /// such, resident memory's budget and baseline, and a stale baseline failing under the ratchet.
    static func measurementFindings(_ evidence: CaseEvidence, budget: Budget, baseline: Baseline?) -> [Finding] {
        var (_, findings) = Gate.evaluate(
            caseName: evidence.caseName, profile: evidence.profile, budget: evidence.budget,
            tolerance: evidence.tolerance, baseline: baseline, processEnd: evidence.processEnd,
            environment: evidence.environment, missingCaptureReason: evidence.missingCaptureReason)
        if evidence.killedOutOfMemory {
            findings = findings.map {
                Gate.outOfMemory(
                    $0, residentPeakBytes: evidence.residentPeakBytes, peakBytes: evidence.profile?.peakBytes)
            }
        }
        findings += Gate.residentFindings(
            residentPeakBytes: evidence.residentPeakBytes, budget: budget, tolerance: evidence.tolerance,
            baseline: baseline)
        if evidence.ratchet {
            findings = findings.map { ratcheted($0, baseline: baseline, tolerance: evidence.tolerance) }
        }
        return findings
    }

    /// The notice that a baseline was written: `baseline updated: peak … → …`, or with
    /// `memgate accept` `baseline accepted (reason): …`.
    static func baselineUpdatedFinding(changes: [String], acceptance: AcceptanceRequest?) -> Finding {
        let figures = changes.isEmpty ? "figures unchanged" : changes.joined(separator: "; ")
        return Finding(
            kind: .baselineUpdated,
            message: acceptance.map { "baseline accepted (\($0.reason)): \(figures)" }
                ?? (changes.isEmpty ? "baseline unchanged" : "baseline updated: \(figures)"))
    }
}
