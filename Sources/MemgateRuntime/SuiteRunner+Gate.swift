import Foundation
import MemgateCore

extension SuiteRunner {
    /// Gathers one measured case's evidence, has `Verdict.decide` judge it, then writes the
    /// baseline the verdict asks for (`--update-baselines`), as a separate step.
    func gate(
        _ measured: MeasuredCase, peaks: [Int64], target: TargetConfig, environment: EnvironmentFingerprint,
        baseline: Baseline?
    ) -> CaseReport {
        let verdict = Verdict.decide(
            CaseEvidence(
                caseName: measured.name, profile: measured.profile, processEnd: measured.processEnd,
                missingCaptureReason: measured.missingCaptureReason, test: measured.test, baseline: baseline,
                environment: environment, budget: target.budget, tolerance: target.tolerance,
                updateBaselines: options.updateBaselines, durationSeconds: measured.durationSeconds,
                ratchet: options.ratchet || target.ratchet, acceptance: options.acceptance,
                residentPeakBytes: measured.residentPeakBytes, killedOutOfMemory: measured.killedOutOfMemory))
        if let fresh = verdict.baselineToWrite {
            do {
                try store.save(fresh, target: target.name, caseName: measured.test != nil ? measured.name : nil)
            } catch {
                reportInputError("\(target.name): cannot write baseline: \(error)")
            }
        }
        var result = CaseResult(
            target: target.name, name: measured.name, status: verdict.status, findings: verdict.findings,
            profile: measured.profile, budget: verdict.budget, tolerance: target.tolerance,
            baseline: verdict.baseline, durationSeconds: measured.durationSeconds, repeatPeakBytes: peaks,
            processEnd: measured.processEnd, outputTail: measured.outputTail, environment: environment,
            residentPeakBytes: measured.residentPeakBytes)
        result.residentTimeline = measured.residentTimeline
        result.chargedPeakBytes = measured.chargedPeakBytes
        return CaseReport(result: result, baselineChanges: verdict.baselineChanges)
    }
}
