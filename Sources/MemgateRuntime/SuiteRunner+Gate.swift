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
            recordInput("\(target.name): \(error)")
        }
        var changes: [String] = []
        var updated = false
        if options.updateBaselines, let profile = measured.profile, endedNormally(measured),
            measured.test?.outcome != "skipped"
        {
            // Twice the compared sites are recorded, so a site that was just below the top N
            // and moves up a rank is compared with its figure instead of being reported as new.
            let fresh = Baseline(
                profile: profile, topSites: target.tolerance.topSites * 2, environment: environment,
                name: measured.name)
            changes = BaselineChange.describeChanges(old: baseline, new: fresh)
            do {
                if baseline != fresh { try store.save(fresh, target: target.name, caseName: caseKey) }
                baseline = fresh
                updated = true
            } catch {
                recordInput("\(target.name): cannot write baseline: \(error)")
            }
        }
        var (status, findings) = Gate.evaluate(
            caseName: measured.name, profile: measured.profile, budget: target.budget, tolerance: target.tolerance,
            baseline: baseline, processEnd: measured.processEnd, environment: environment)
        if let test = measured.test {
            findings = pytestFindings(test, profile: measured.profile) + findings
            if test.outcome == "skipped" {
                findings = []
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
            profile: measured.profile, budget: effectiveBudget(target: target, test: measured.test),
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

    private func recordInput(_ message: String) {
        // Reached through the runner's lock-protected recorder.
        reportInputError(message)
    }

    private func effectiveBudget(target: TargetConfig, test: PytestOutcome?) -> Budget {
        var budget = target.budget
        if let text = test?.limitMemory, let bytes = try? ByteSize.parse(text) { budget.limitBytes = bytes }
        if let text = test?.limitLeaks, let bytes = try? ByteSize.parse(text) { budget.leakLimitBytes = bytes }
        return budget
    }

    private func pytestFindings(_ test: PytestOutcome, profile: Profile?) -> [Finding] {
        var findings: [Finding] = []
        if test.outcome == "failed" {
            let firstLine =
                (test.longRepresentation ?? "").split(separator: "\n").last.map(String.init) ?? "assertion failed"
            findings.append(Finding(kind: .testFailed, message: "test failed: \(firstLine)"))
        }
        var limitMemory: Int64?
        var limitLeaks: Int64?
        for (marker, text) in [("limit_memory", test.limitMemory), ("limit_leaks", test.limitLeaks)] {
            guard let text else { continue }
            do {
                let bytes = try ByteSize.parse(text)
                if marker == "limit_memory" { limitMemory = bytes } else { limitLeaks = bytes }
            } catch {
                findings.append(Finding(kind: .testFailed, message: "\(marker)(\"\(text)\"): \(error)"))
            }
        }
        if let profile {
            findings += PytestMarkerRules.findings(
                profile: profile, limitMemoryBytes: limitMemory, limitLeaksBytes: limitLeaks,
                filteredLeakMaxBytes: test.leakFilterMaxBytes, leakFilterError: test.leakFilterError)
        }
        return findings
    }
}
