import Testing

@testable import MemgateCore

private let linux = EnvironmentFingerprint(python: "3.11.7", libc: "glibc 2.36", arch: "x86_64")
private let mib: Int64 = 1_048_576

private func baseline(peak: Int64, sites: [String: Int64], environment: EnvironmentFingerprint = linux) -> Baseline {
    Baseline(
        name: "fib", peakBytes: peak, totalBytes: peak, allocationCount: 1, bytesAtEnd: 0,
        sites: sites.mapValues { .init(bytesAtPeak: $0, allocationsAtPeak: 1, line: nil) }, environment: environment)
}

@Suite struct GateBaselineChangeTests {
    @Test func baselineFromProfileRecordsTheTopSites() {
        let frame = { (function: String, line: Int) in
            Frame(function: function, file: "fib.py", line: line, kind: .python)
        }
        let profile = Profile(
            regionName: "fib", peakBytes: 3_000, totalBytes: 9_000, allocationCount: 30, bytesAtEnd: 100,
            stacks: [
                StackRecord(
                    frames: [frame("a", 3)], bytesAtPeak: 2_000, allocationsAtPeak: 2, totalBytes: 5_000,
                    allocationCount: 10, bytesAtEnd: 100),
                StackRecord(
                    frames: [frame("b", 8)], bytesAtPeak: 1_000, allocationsAtPeak: 1, totalBytes: 1_000,
                    allocationCount: 10, bytesAtEnd: 0),
                StackRecord(
                    frames: [frame("c", 9)], bytesAtPeak: 500, allocationsAtPeak: 1, totalBytes: 500,
                    allocationCount: 5, bytesAtEnd: 0),
                StackRecord(
                    frames: [frame("freed", 1)], bytesAtPeak: 0, allocationsAtPeak: 0, totalBytes: 2_500,
                    allocationCount: 5, bytesAtEnd: 0),
            ])
        let recorded = Baseline(profile: profile, topSites: 2, environment: linux, name: "fib")
        #expect(recorded.formatVersion == 1)
        #expect(recorded.name == "fib")
        #expect(recorded.peakBytes == 3_000)
        #expect(recorded.totalBytes == 9_000)
        #expect(recorded.allocationCount == 30)
        #expect(recorded.bytesAtEnd == 100)
        #expect(recorded.environment == linux)
        #expect(
            recorded.sites == [
                "a @ fib.py": .init(bytesAtPeak: 2_000, allocationsAtPeak: 2, line: 3),
                "b @ fib.py": .init(bytesAtPeak: 1_000, allocationsAtPeak: 1, line: 8),
            ])
        let all = Baseline(profile: profile, topSites: 10, environment: linux, name: "fib")
        #expect(all.sites.keys.sorted() == ["a @ fib.py", "b @ fib.py", "c @ fib.py"])
    }

    @Test func aRecordedProfileGatesClean() {
        let frame = Frame(function: "f", file: "x.py", line: 1, kind: .python)
        let profile = Profile(
            regionName: "x", peakBytes: 10 * mib, totalBytes: 10 * mib, allocationCount: 1, bytesAtEnd: 0,
            stacks: [
                StackRecord(
                    frames: [frame], bytesAtPeak: 10 * mib, allocationsAtPeak: 1, totalBytes: 10 * mib,
                    allocationCount: 1, bytesAtEnd: 0)
            ])
        let recorded = Baseline(profile: profile, topSites: 10, environment: linux, name: "x")
        let result = Gate.evaluate(
            caseName: "x", profile: profile, budget: Budget(), tolerance: Tolerance(), baseline: recorded,
            processEnd: .exited(code: 0), environment: linux)
        #expect(result.status == .passed)
        #expect(result.findings.isEmpty)
    }

    @Test func creatingABaselineSaysSo() {
        let new = baseline(peak: mib, sites: ["a @ x.py": mib, "b @ x.py": 10])
        #expect(BaselineChange.describeChanges(old: nil, new: new) == ["created (peak 1.0 MiB, 2 sites)"])
    }

    @Test func changesListPeakThenSitesByKeyThenEnvironment() {
        let old = baseline(peak: mib, sites: ["grown @ g.py": mib, "gone @ r.py": 512, "same @ s.py": 7])
        let newEnvironment = EnvironmentFingerprint(python: "3.12.1", libc: "glibc 2.36", arch: "x86_64")
        let new = baseline(
            peak: 2 * mib, sites: ["grown @ g.py": 3 * mib / 2, "added @ a.py": 4_096, "same @ s.py": 7],
            environment: newEnvironment)
        #expect(
            BaselineChange.describeChanges(old: old, new: new) == [
                "peak 1.0 MiB → 2.0 MiB (+100.0%)",
                "new site added @ a.py 4.0 KiB",
                "removed site gone @ r.py (was 512 B)",
                "site grown @ g.py 1.0 MiB → 1.5 MiB (+50.0%)",
                "environment python 3.11.7, glibc 2.36, x86_64 → python 3.12.1, glibc 2.36, x86_64",
            ])
    }

    @Test func shrinkingAndUnchanged() {
        let old = baseline(peak: 2 * mib, sites: ["a @ x.py": mib])
        #expect(BaselineChange.describeChanges(old: old, new: old).isEmpty)
        let new = baseline(peak: mib, sites: ["a @ x.py": mib])
        #expect(BaselineChange.describeChanges(old: old, new: new) == ["peak 2.0 MiB → 1.0 MiB (-50.0%)"])
        let fromZero = BaselineChange.describeChanges(old: baseline(peak: 0, sites: [:]), new: new)
        #expect(fromZero == ["peak 0 B → 1.0 MiB", "new site a @ x.py 1.0 MiB"])
    }
}
