import Foundation
import MemgateCore

extension SuiteRunner {
    /// Applies the verdict rules (and pytest markers) to one measured case, updating its
    /// baseline first when `--update-baselines` is on.
    func gate(_ measured: MeasuredCase, peaks: [Int64], target: TargetConfig, environment: EnvironmentFingerprint)
        -> CaseReport
    {
        let isPytestCase = measured.test != nil
        let caseKey: String? = isPytestCase ? measured.name : nil
        var baseline: Baseline?
        do {
            baseline = try store.load(target: target.name, caseName: caseKey)
        } catch {
            reportInputError("\(target.name): \(error)")
        }
        var changes: [String] = []
        var updated = false
        // A profile the tracker did not see to its end is never a baseline.
        if options.updateBaselines, let profile = measured.profile, profile.isFullyMeasured, endedNormally(measured),
            measured.test?.outcome != "skipped"
        {
            // Twice the compared sites are recorded, so a site that was just below the top N
            // and moves up a rank is compared with its figure instead of being reported as new.
            var fresh = Baseline(
                profile: profile, topSites: target.tolerance.topSites * 2, environment: environment,
                name: measured.name)
            fresh.durationSeconds = ShardDurations.toRecord(
                previous: baseline?.durationSeconds, measuredSeconds: measured.durationSeconds)
            changes = BaselineChange.describeChanges(old: baseline, new: fresh)
            do {
                if baseline != fresh { try store.save(fresh, target: target.name, caseName: caseKey) }
                baseline = fresh
                updated = true
            } catch {
                reportInputError("\(target.name): cannot write baseline: \(error)")
            }
        }
        let markers = measured.test.map(MarkerLimits.init)
        var (status, findings) = Gate.evaluate(
            caseName: measured.name, profile: measured.profile, budget: target.budget, tolerance: target.tolerance,
            baseline: baseline, processEnd: measured.processEnd, environment: environment,
            missingCaptureReason: measured.missingCaptureReason)
        if let test = measured.test, let markers {
            if test.outcome == "failed" && test.phase == "setup" {
                // The test never ran, so there is nothing to measure: its error is the verdict.
                findings.removeAll { $0.kind == .noMeasurement }
            }
            findings = pytestFindings(test, markers: markers, profile: measured.profile) + findings
            if test.outcome == "skipped" {
                let reason = firstLine(test.longRepresentation ?? "")
                findings = reason.isEmpty ? [] : [Finding(kind: .testSkipped, message: reason)]
                status = .skipped
            }
        }
        if updated {
            findings.append(
                Finding(
                    kind: .baselineUpdated,
                    message: changes.isEmpty
                        ? "baseline unchanged" : "baseline updated: " + changes.joined(separator: "; ")))
        }
        if status != .skipped { status = findings.contains(where: \.isFailure) ? .failed : .passed }
        let result = CaseResult(
            target: target.name, name: measured.name, status: status,
            findings: findings.filter(\.isFailure) + findings.filter { !$0.isFailure },
            profile: measured.profile, budget: effectiveBudget(target: target, markers: markers),
            tolerance: target.tolerance, baseline: baseline, durationSeconds: measured.durationSeconds,
            repeatPeakBytes: peaks, processEnd: measured.processEnd, outputTail: measured.outputTail,
            environment: environment)
        return CaseReport(result: result, baselineChanges: changes)
    }

    private func endedNormally(_ measured: MeasuredCase) -> Bool {
        guard let end = measured.processEnd else { return true }
        if case .exited(let code) = end { return code == 0 }
        return false
    }

    /// The target's budget with the test's marker sizes in place of its limits, for reports.
    private func effectiveBudget(target: TargetConfig, markers: MarkerLimits?) -> Budget {
        var budget = target.budget
        if let bytes = markers?.limitMemoryBytes { budget.limitBytes = bytes }
        if let bytes = markers?.limitLeaksBytes { budget.leakLimitBytes = bytes }
        return budget
    }

    private func pytestFindings(_ test: PytestOutcome, markers: MarkerLimits, profile: Profile?) -> [Finding] {
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
        if let profile {
            findings += PytestMarkerRules.findings(
                profile: profile, limitMemoryBytes: markers.limitMemoryBytes, limitLeaksBytes: markers.limitLeaksBytes,
                filteredLeakMaxBytes: test.leakFilterMaxBytes, leakFilterError: test.leakFilterError)
        }
        return findings
    }
}

/// A test's pytest-memray marker sizes, parsed once. A marker memgate cannot honour (the
/// plugin's `marker_problems`, or a size that does not parse) is a `markerInvalid` finding
/// naming the test and the argument, and none of the test's marker sizes is applied.
struct MarkerLimits {
    var limitMemoryBytes: Int64?
    var limitLeaksBytes: Int64?
    var errors: [Finding] = []

    init(_ test: PytestOutcome) {
        for problem in test.markerProblems ?? [] {
            errors.append(invalid(test, firstLine(problem)))
        }
        limitMemoryBytes = parse(test, "limit_memory", "limit", test.limitMemory)
        limitLeaksBytes = parse(test, "limit_leaks", "location_limit", test.limitLeaks)
        if !errors.isEmpty {
            limitMemoryBytes = nil
            limitLeaksBytes = nil
        }
    }

    private mutating func parse(_ test: PytestOutcome, _ marker: String, _ argument: String, _ text: String?)
        -> Int64?
    {
        guard let text else { return nil }
        do {
            return try ByteSize.parse(text)
        } catch {
            errors.append(invalid(test, "\(marker)(\(argument)=\"\(text)\"): \(error)"))
            return nil
        }
    }

    private func invalid(_ test: PytestOutcome, _ problem: String) -> Finding {
        Finding(kind: .markerInvalid, message: "invalid memray marker on \(test.nodeID): \(problem)")
    }
}

/// The first line of untrusted text, for one-line findings.
private func firstLine(_ text: String) -> String {
    String(text.split(separator: "\n", omittingEmptySubsequences: true).first ?? "")
}
