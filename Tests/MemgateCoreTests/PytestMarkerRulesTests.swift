import Testing

@testable import MemgateCore

private let mebibyte: Int64 = 1_048_576

/// A stack leaking `bytesAtEnd` from `function` (line `line` of tests/test_cache.py), called by the test.
private func leak(_ bytesAtEnd: Int64, from function: String, line: Int) -> StackRecord {
    let frames = [
        Frame(function: "test_cache", file: "tests/test_cache.py", line: 30, kind: .python),
        Frame(function: function, file: "tests/test_cache.py", line: line, kind: .python),
    ]
    return StackRecord(
        frames: frames, bytesAtPeak: bytesAtEnd, allocationsAtPeak: 1, totalBytes: bytesAtEnd, allocationCount: 1,
        bytesAtEnd: bytesAtEnd)
}

private func profile(peak: Int64 = 3 * mebibyte, stacks: [StackRecord]) -> Profile {
    Profile(
        regionName: "tests/test_cache.py::test_cache", peakBytes: peak, totalBytes: peak, allocationCount: 2,
        bytesAtEnd: stacks.reduce(0) { $0 + $1.bytesAtEnd }, stacks: stacks)
}

/// The cache leaks 2 MiB, another place 512 KiB.
private let twoLocations = profile(stacks: [
    leak(2 * mebibyte, from: "leak_into_cache", line: 9),
    leak(512 * 1024, from: "leak_elsewhere", line: 13),
])

@Suite struct PytestMarkerRulesTests {
    @Test func limitMemoryFailsAtTheLimit() {
        let findings = PytestMarkerRules.findings(
            profile: profile(peak: 102_400, stacks: []), limitMemoryBytes: 102_400, limitLeaksBytes: nil)
        #expect(
            findings == [
                Finding(
                    kind: .limitExceeded, message: "limit_memory: peak 100.0 KiB is not below the limit 100.0 KiB",
                    bytes: 0)
            ])
    }

    @Test func withoutFilterTheLargestLocationOverTheLimitFails() {
        let findings = PytestMarkerRules.findings(
            profile: twoLocations, limitMemoryBytes: nil, limitLeaksBytes: mebibyte)
        #expect(
            findings == [
                Finding(
                    kind: .leakLimitExceeded,
                    message:
                        "limit_leaks: 2.0 MiB leaked from leak_into_cache @ tests/test_cache.py:9 (limit 1.0 MiB per location; 1 location(s) over)",
                    site: SiteKey(function: "leak_into_cache", file: "tests/test_cache.py"), bytes: 2 * mebibyte)
            ])
    }

    @Test func withoutFilterLocationsUnderTheLimitPass() {
        let findings = PytestMarkerRules.findings(
            profile: twoLocations, limitMemoryBytes: nil, limitLeaksBytes: 2 * mebibyte + 1)
        #expect(findings.isEmpty)
    }

    @Test(
        "with a filter_fn, the largest kept location decides, compared with >=",
        arguments: [
            // Everything filtered out: the 2 MiB location in the profile no longer counts.
            (Int64(0), nil as String?, nil as SiteKey?),
            (mebibyte - 1, nil, nil),
            // No stack holds exactly that much, so the location cannot be named.
            (
                mebibyte, "limit_leaks: 1.0 MiB leaked from one location after filter_fn (limit 1.0 MiB per location)",
                nil
            ),
            // The only stack holding 2 MiB is the one kept.
            (
                2 * mebibyte,
                "limit_leaks: 2.0 MiB leaked from leak_into_cache @ tests/test_cache.py:9 after filter_fn (limit 1.0 MiB per location)",
                SiteKey(function: "leak_into_cache", file: "tests/test_cache.py")
            ),
        ])
    func filteredMaximum(filteredMax: Int64, message: String?, site: SiteKey?) {
        let findings = PytestMarkerRules.findings(
            profile: twoLocations, limitMemoryBytes: nil, limitLeaksBytes: mebibyte, filteredLeakMaxBytes: filteredMax)
        let expected = message.map { [Finding(kind: .leakLimitExceeded, message: $0, site: site, bytes: filteredMax)] }
        #expect(findings == (expected ?? []))
    }

    @Test func filteredMaximumHeldByTwoStacksNamesNoLocation() {
        let twins = profile(stacks: [
            leak(2 * mebibyte, from: "leak_into_cache", line: 9),
            leak(2 * mebibyte, from: "leak_elsewhere", line: 13),
        ])
        let findings = PytestMarkerRules.findings(
            profile: twins, limitMemoryBytes: nil, limitLeaksBytes: mebibyte, filteredLeakMaxBytes: 2 * mebibyte)
        #expect(
            findings == [
                Finding(
                    kind: .leakLimitExceeded,
                    message:
                        "limit_leaks: 2.0 MiB leaked from one location after filter_fn (limit 1.0 MiB per location)",
                    bytes: 2 * mebibyte)
            ])
    }

    @Test func aRaisingFilterIsATestFailureBesideTheLeakVerdict() {
        let findings = PytestMarkerRules.findings(
            profile: twoLocations, limitMemoryBytes: nil, limitLeaksBytes: mebibyte,
            filteredLeakMaxBytes: 2 * mebibyte, leakFilterError: "RuntimeError: no stacks today")
        #expect(findings.map(\.kind) == [.leakLimitExceeded, .testFailed])
        #expect(findings.last?.message == "limit_leaks filter_fn raised: RuntimeError: no stacks today")
    }
}
