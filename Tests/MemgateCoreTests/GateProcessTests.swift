import Testing

@testable import MemgateCore

private let linux = EnvironmentFingerprint(python: nil, libc: "glibc 2.36", arch: "x86_64")
private let measured = Profile(
    regionName: "case", peakBytes: 1_048_576, totalBytes: 2_097_152, allocationCount: 5, bytesAtEnd: 0,
    completion: .interrupted)

private func evaluate(
    _ profile: Profile?, _ end: CaseResult.ProcessEnd?, budget: Budget = Budget()
) -> (status: CaseResult.Status, findings: [Finding]) {
    let baseline = Baseline(profile: measured, topSites: 10, environment: linux, name: "case")
    return Gate.evaluate(
        caseName: "case", profile: profile, budget: budget, tolerance: Tolerance(), baseline: baseline,
        processEnd: end, environment: linux)
}

@Suite struct GateProcessTests {
    @Test(
        "an abnormal end fails and reports the peak so far",
        arguments: [
            (
                CaseResult.ProcessEnd.signalled(signal: 9), Finding.Kind.targetCrashed,
                "target crashed with SIGKILL (signal 9); peak so far 1.0 MiB"
            ),
            (.signalled(signal: 11), .targetCrashed, "target crashed with SIGSEGV (signal 11); peak so far 1.0 MiB"),
            (.signalled(signal: 6), .targetCrashed, "target crashed with SIGABRT (signal 6); peak so far 1.0 MiB"),
            (.signalled(signal: 99), .targetCrashed, "target crashed with signal 99 (signal 99); peak so far 1.0 MiB"),
            (
                .timedOut(afterSeconds: 120), .targetTimedOut,
                "target timed out after 120 s and was killed; peak so far 1.0 MiB"
            ),
            (
                .timedOut(afterSeconds: 1.5), .targetTimedOut,
                "target timed out after 1.5 s and was killed; peak so far 1.0 MiB"
            ),
            (.exited(code: 3), .targetExitedNonZero, "target exited with status 3; peak 1.0 MiB"),
            (.exited(code: -1), .targetExitedNonZero, "target exited with status -1; peak 1.0 MiB"),
        ])
    func abnormalEnd(end: CaseResult.ProcessEnd, kind: Finding.Kind, message: String) {
        let result = evaluate(measured, end)
        #expect(result.status == .failed)
        #expect(result.findings.map(\.kind) == [kind])
        #expect(result.findings.map(\.message) == [message])
    }

    @Test func zeroExitWithACompleteCapturePasses() {
        var complete = measured
        complete.completion = .complete
        let result = evaluate(complete, .exited(code: 0))
        #expect(result.status == .passed)
        #expect(result.findings.isEmpty)
    }

    /// The tracker did not see the process to its end (e.g. it exec'd a static program): the
    /// figures so far are not the program's, so a clean exit is "not measured", never a pass.
    @Test func zeroExitWithAnUnfinishedCaptureIsNotMeasured() {
        let result = evaluate(measured, .exited(code: 0))
        #expect(result.status == .failed)
        #expect(result.findings.map(\.kind) == [.notMeasured])
    }

    @Test func unmeasuredReasonFailsWithThatReason() {
        var profile = measured
        profile.completion = .complete
        profile.unmeasuredReason = "not measured to the end: the capture file could not grow"
        let result = evaluate(profile, .exited(code: 0))
        #expect(result.status == .failed)
        #expect(result.findings.map(\.message) == ["not measured to the end: the capture file could not grow"])
    }

    @Test func missingCaptureWithAKnownReasonNamesIt() {
        let baseline = Baseline(profile: measured, topSites: 10, environment: linux, name: "case")
        let result = Gate.evaluate(
            caseName: "case", profile: nil, budget: Budget(), tolerance: Tolerance(), baseline: baseline,
            processEnd: .exited(code: 0), environment: linux,
            missingCaptureReason: "/bin/x is statically linked; LD_PRELOAD cannot reach it")
        #expect(result.status == .failed)
        #expect(
            result.findings.map(\.message) == ["not measured: /bin/x is statically linked; LD_PRELOAD cannot reach it"])
    }

    @Test func captureNoticesDoNotFail() {
        var profile = measured
        profile.completion = .complete
        profile.captureNotices = ["the stack table filled up"]
        let result = evaluate(profile, .exited(code: 0))
        #expect(result.status == .passed)
        #expect(result.findings.map(\.kind) == [.captureLimit])
    }

    @Test func crashStillChecksThePeakAgainstTheLimit() {
        let result = evaluate(measured, .signalled(signal: 9), budget: Budget(limitBytes: 1_000_000))
        #expect(result.findings.map(\.kind) == [.targetCrashed, .limitExceeded])
        #expect(result.findings[1].message == "peak 1.0 MiB exceeds limit 976.6 KiB")
    }

    @Test func crashWithoutMeasurementSaysSo() {
        let result = evaluate(nil, .signalled(signal: 9))
        #expect(result.status == .failed)
        #expect(
            result.findings.map(\.message) == ["target crashed with SIGKILL (signal 9); no measurement was captured"])
    }

    @Test(arguments: [CaseResult.ProcessEnd.exited(code: 0), nil])
    func missingMeasurementFailsEvenAfterACleanExit(end: CaseResult.ProcessEnd?) {
        let result = evaluate(nil, end)
        #expect(result.status == .failed)
        #expect(result.findings.count == 1)
        #expect(result.findings[0].isFailure)
        #expect(result.findings[0].message == "no measurement was captured for case; the tracker recorded nothing")
    }

    @Test func missingMeasurementWithoutBaselineListsFailureBeforeNotice() {
        let result = Gate.evaluate(
            caseName: "t", profile: nil, budget: Budget(), tolerance: Tolerance(), baseline: nil,
            processEnd: .timedOut(afterSeconds: 30), environment: nil)
        #expect(result.findings.map(\.kind) == [.targetTimedOut, .missingBaseline])
    }
}
