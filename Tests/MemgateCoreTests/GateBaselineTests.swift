import Testing

@testable import MemgateCore

private let linux = EnvironmentFingerprint(python: "3.11.7", libc: "glibc 2.36", arch: "x86_64")
private let mib: Int64 = 1_048_576

/// A profile whose top sites are the given (function, file, line, bytes at peak), in Python frames.
private func profile(peak: Int64, sites: [(String, String, Int, Int64)] = []) -> Profile {
    let stacks = sites.map { function, file, line, bytes in
        StackRecord(
            frames: [
                Frame(function: "main", file: "main.py", line: 1, kind: .python),
                Frame(function: function, file: file, line: line, kind: .python),
            ],
            bytesAtPeak: bytes, allocationsAtPeak: 1, totalBytes: bytes, allocationCount: 1, bytesAtEnd: 0)
    }
    return Profile(
        regionName: "fib", peakBytes: peak, totalBytes: peak, allocationCount: 1, bytesAtEnd: 0, stacks: stacks)
}

private func baseline(peak: Int64, sites: [String: Int64] = [:], environment: EnvironmentFingerprint = linux)
    -> Baseline
{
    Baseline(
        name: "fib", peakBytes: peak, totalBytes: peak, allocationCount: 1, bytesAtEnd: 0,
        sites: sites.mapValues { .init(bytesAtPeak: $0, allocationsAtPeak: 1, line: 1) }, environment: environment)
}

private func evaluate(
    _ profile: Profile, _ baseline: Baseline?, tolerance: Tolerance = Tolerance(),
    environment: EnvironmentFingerprint = linux
) -> (status: CaseResult.Status, findings: [Finding]) {
    Gate.evaluate(
        caseName: "fib", profile: profile, budget: Budget(), tolerance: tolerance, baseline: baseline,
        processEnd: .exited(code: 0), environment: environment)
}

@Suite struct GateBaselineTests {
    @Test(
        "peak growth fails only beyond both tolerance and noise floor",
        arguments: [
            // 5 % of 1 000 000 is 50 000; the floor (4096) is lower.
            (Int64(1_000_000), Int64(1_050_000), false),
            (1_000_000, 1_050_001, true),
            // 5 % of 10 000 is 500; the floor (4096) is higher.
            (10_000, 14_096, false),
            (10_000, 14_097, true),
            (0, 4_096, false),
            (0, 4_097, true),
        ])
    func peakRegression(basePeak: Int64, peak: Int64, fails: Bool) {
        let result = evaluate(profile(peak: peak), baseline(peak: basePeak))
        #expect(result.status == (fails ? .failed : .passed))
        #expect(result.findings.map(\.kind) == (fails ? [.peakRegression] : []))
        if fails { #expect(result.findings[0].bytes == peak - basePeak) }
    }

    @Test func peakRegressionMessageNamesTheFigures() {
        let result = evaluate(profile(peak: 2 * mib), baseline(peak: mib))
        #expect(
            result.findings.map(\.message) == [
                "peak grew 1.0 MiB → 2.0 MiB (+1.0 MiB, +100%) beyond tolerance 5% and noise floor 4.0 KiB"
            ])
    }

    @Test(
        "a fraction that is inexact in binary still passes exactly at tolerance",
        arguments: [(Int64(129), false), (130, true)])
    func inexactFraction(peak: Int64, fails: Bool) {
        // 0.29 × 100 is 28.999999999999996 in Double; 29 bytes of growth is exactly at tolerance.
        let tolerance = Tolerance(growthFraction: 0.29, noiseFloorBytes: 0)
        let result = evaluate(profile(peak: peak), baseline(peak: 100), tolerance: tolerance)
        #expect(result.status == (fails ? .failed : .passed))
    }

    @Test func doublingASiteFailsNamingIt() throws {
        let current = profile(peak: 4 * mib, sites: [("build_list", "fib.py", 12, 2 * mib), ("other", "o.py", 3, mib)])
        let result = evaluate(
            current, baseline(peak: 4 * mib, sites: ["build_list @ fib.py": mib, "other @ o.py": mib]))
        #expect(result.status == .failed)
        let finding = try #require(result.findings.first)
        #expect(result.findings.count == 1)
        #expect(finding.kind == .siteGrown)
        #expect(finding.site == SiteKey(function: "build_list", file: "fib.py"))
        #expect(finding.bytes == mib)
        #expect(finding.message == "site build_list @ fib.py:12 grew 1.0 MiB → 2.0 MiB (+1.0 MiB, +100%)")
    }

    @Test(
        "a site's growth fails only beyond both tolerance and noise floor",
        arguments: [
            (Int64(1_000_000), Int64(1_050_000), false),
            (1_000_000, 1_050_001, true),
            (10_000, 14_096, false),
            (10_000, 14_097, true),
        ])
    func siteGrowthBoundaries(baseBytes: Int64, bytes: Int64, fails: Bool) {
        let current = profile(peak: 4 * mib, sites: [("f", "x.py", 1, bytes)])
        let result = evaluate(current, baseline(peak: 4 * mib, sites: ["f @ x.py": baseBytes]))
        #expect(result.findings.map(\.kind) == (fails ? [.siteGrown] : []))
    }

    @Test func aNewOneMebibyteSiteFailsNamingIt() throws {
        let current = profile(peak: 4 * mib, sites: [("fill_cache", "cache.py", 7, mib)])
        let result = evaluate(current, baseline(peak: 4 * mib))
        #expect(result.status == .failed)
        let finding = try #require(result.findings.first)
        #expect(result.findings.count == 1)
        #expect(finding.kind == .siteNew)
        #expect(finding.site == SiteKey(function: "fill_cache", file: "cache.py"))
        #expect(finding.bytes == mib)
        #expect(finding.message == "new site fill_cache @ cache.py:7 holds 1.0 MiB at peak (not in baseline)")
    }

    @Test("a new site fails only above the noise floor", arguments: [(Int64(4_096), false), (4_097, true)])
    func newSiteFloor(bytes: Int64, fails: Bool) {
        let result = evaluate(profile(peak: mib, sites: [("g", "y.py", 2, bytes)]), baseline(peak: mib))
        #expect(result.findings.map(\.kind) == (fails ? [.siteNew] : []))
    }

    @Test func onlyTheCurrentTopSitesAreCompared() {
        let current = profile(peak: 4 * mib, sites: [("big", "a.py", 1, 2 * mib), ("small", "b.py", 1, mib)])
        let result = evaluate(
            current, baseline(peak: 4 * mib, sites: ["big @ a.py": 2 * mib]),
            tolerance: Tolerance(topSites: 1))
        #expect(result.status == .passed)
        #expect(result.findings.isEmpty)
    }

    @Test func siteLinesDoNotChangeItsIdentity() {
        let current = profile(peak: mib, sites: [("f", "x.py", 99, mib)])
        let result = evaluate(current, baseline(peak: mib, sites: ["f @ x.py": mib]))
        #expect(result.findings.isEmpty)
    }

    @Test func halvingPassesWithAStaleBaselineNotice() {
        let result = evaluate(profile(peak: mib), baseline(peak: 2 * mib))
        #expect(result.status == .passed)
        #expect(result.findings.map(\.kind) == [.staleBaseline])
        #expect(
            result.findings.map(\.message) == [
                "baseline is stale (peak 1.0 MiB, baseline 2.0 MiB); run `memgate run --update-baselines`"
            ])
        #expect(result.findings[0].bytes == -mib)
    }

    @Test(
        "shrinking exactly at tolerance or floor is not stale",
        arguments: [
            (Int64(1_000_000), Int64(950_000), false), (1_000_000, 949_999, true),
            (10_000, 5_904, false), (10_000, 5_903, true),
        ])
    func staleBoundaries(basePeak: Int64, peak: Int64, stale: Bool) {
        let result = evaluate(profile(peak: peak), baseline(peak: basePeak))
        #expect(result.status == .passed)
        #expect(result.findings.map(\.kind) == (stale ? [.staleBaseline] : []))
    }

    @Test func noBaselineIsANotice() {
        let result = evaluate(profile(peak: 100 * mib, sites: [("f", "x.py", 1, 100 * mib)]), nil)
        #expect(result.status == .passed)
        #expect(result.findings.map(\.kind) == [.missingBaseline])
        #expect(
            result.findings[0].message == "no baseline for fib yet; run `memgate run --update-baselines` to record one")
    }

    @Test func environmentMismatchIsANoticeAndFiguresAreStillCompared() {
        let other = EnvironmentFingerprint(python: "3.12.1", libc: "glibc 2.36", arch: "aarch64")
        let result = evaluate(profile(peak: 2 * mib), baseline(peak: mib, environment: other))
        #expect(result.status == .failed)
        #expect(result.findings.map(\.kind) == [.peakRegression, .environmentMismatch])
        #expect(
            result.findings[1].message
                == "baseline was recorded on python 3.12.1, glibc 2.36, aarch64 but this run is on "
                + "python 3.11.7, glibc 2.36, x86_64; figures compared anyway")
    }

    @Test func failuresComeBeforeNotices() {
        let native = EnvironmentFingerprint(python: nil, libc: "musl", arch: "x86_64")
        let current = profile(peak: mib / 2, sites: [("new_site", "n.py", 5, mib / 4)])
        let result = Gate.evaluate(
            caseName: "fib", profile: current, budget: Budget(limitBytes: 1_000), tolerance: Tolerance(),
            baseline: baseline(peak: mib), processEnd: .signalled(signal: 15), environment: native)
        #expect(
            result.findings.map(\.kind) == [
                .targetCrashed, .limitExceeded, .siteNew, .environmentMismatch, .staleBaseline,
            ])
        #expect(result.findings[3].message.contains("this run is on native, musl, x86_64"))
    }
}
