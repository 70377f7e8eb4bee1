import Testing

@testable import MemgateCore

private let linux = EnvironmentFingerprint(python: "3.11.7", libc: "glibc 2.36", arch: "x86_64")

private func profile(peak: Int64, atEnd: Int64 = 0, allocations: Int64 = 10) -> Profile {
    Profile(regionName: "case", peakBytes: peak, totalBytes: peak, allocationCount: allocations, bytesAtEnd: atEnd)
}

/// Evaluates with a baseline equal to the measurement, so only budgets can fail.
private func evaluate(_ profile: Profile, _ budget: Budget) -> (status: CaseResult.Status, findings: [Finding]) {
    let baseline = Baseline(profile: profile, topSites: 10, environment: linux, name: "case")
    return Gate.evaluate(
        caseName: "case", profile: profile, budget: budget, tolerance: Tolerance(), baseline: baseline,
        processEnd: .exited(code: 0), environment: linux)
}

@Suite struct GateBudgetTests {
    @Test(
        "peak over limit fails, at the limit passes",
        arguments: [
            (Int64(102_400), Int64(102_400), nil as String?),
            (102_399, 102_400, nil),
            (102_401, 102_400, "peak 100.0 KiB exceeds limit 100.0 KiB"),
            (126_035_968, 102_400, "peak 120.2 MiB exceeds limit 100.0 KiB"),
        ])
    func limit(peak: Int64, limit: Int64, message: String?) {
        let result = evaluate(profile(peak: peak), Budget(limitBytes: limit))
        #expect(result.status == (message == nil ? .passed : .failed))
        #expect(result.findings.filter(\.isFailure).map(\.message) == (message.map { [$0] } ?? []))
        if message != nil {
            #expect(result.findings[0].kind == .limitExceeded)
            #expect(result.findings[0].bytes == peak - limit)
        }
    }

    @Test(
        "bytes live at the end over the leak limit fail",
        arguments: [
            (Int64(0), Int64(0), nil as String?),
            (512, 512, nil),
            (513, 512, "513 B still live at end exceeds leak limit 512 B"),
            (1_048_576, 0, "1.0 MiB still live at end exceeds leak limit 0 B"),
        ])
    func leakLimit(atEnd: Int64, limit: Int64, message: String?) {
        let result = evaluate(profile(peak: 2_000_000, atEnd: atEnd), Budget(leakLimitBytes: limit))
        #expect(result.status == (message == nil ? .passed : .failed))
        #expect(result.findings.filter(\.isFailure).map(\.message) == (message.map { [$0] } ?? []))
        if message != nil { #expect(result.findings[0].kind == .leakLimitExceeded) }
    }

    @Test(
        "allocation count over max-allocations fails",
        arguments: [
            (Int64(20_000), Int64(20_000), nil as String?),
            (20_001, 20_000, "20001 allocations exceed max-allocations 20000"),
        ])
    func allocationLimit(count: Int64, limit: Int64, message: String?) {
        let result = evaluate(profile(peak: 1_000, allocations: count), Budget(maxAllocations: limit))
        #expect(result.status == (message == nil ? .passed : .failed))
        #expect(result.findings.filter(\.isFailure).map(\.message) == (message.map { [$0] } ?? []))
        if message != nil { #expect(result.findings[0].kind == .allocationLimitExceeded) }
    }

    @Test func allBudgetsReportedInOrder() {
        let result = evaluate(
            profile(peak: 3_000, atEnd: 2_000, allocations: 11),
            Budget(limitBytes: 1_000, leakLimitBytes: 1_000, maxAllocations: 10))
        #expect(result.status == .failed)
        #expect(result.findings.map(\.kind) == [.limitExceeded, .leakLimitExceeded, .allocationLimitExceeded])
    }

    @Test func noBudgetAndMatchingBaselinePassesWithoutFindings() {
        let result = evaluate(profile(peak: 5_000_000, atEnd: 4_000_000, allocations: 1_000_000), Budget())
        #expect(result.status == .passed)
        #expect(result.findings.isEmpty)
    }
}
