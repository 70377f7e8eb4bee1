import MemgateCore
import Testing

@testable import MemgateReports

/// Every report says the same thing about a case: same figures, same zero, same tolerance,
/// notices of passing cases included.
@Suite struct ReportAgreementTests {
    private let plain = ConsoleStyle(colorEnabled: false)

    private func unchanged() -> CaseResult {
        var result = ReportFixtures.passing
        result.baseline = ReportFixtures.baseline("fibonacci-generator", peakBytes: result.profile?.peakBytes ?? 0)
        return result
    }

    @Test func aZeroDeltaPrintsTheSameEverywhere() {
        let result = unchanged()
        let suite = SuiteResult(name: "memgate", cases: [result], durationSeconds: 1)
        #expect(ConsoleReport.table(suite, style: plain).contains("±0 B (±0.0%)"))
        #expect(MarkdownSummary.render(suite).contains("±0 B (±0.0%)"))
        #expect(HtmlPage.peakDelta(peakBytes: 1638, baselinePeakBytes: 1638).text == "±0 B (±0.0%)")
        #expect(BytesText.signed(0) == "±0 B")
    }

    @Test func passingCasesShowTheirNoticesOnTheConsoleAndInMarkdown() {
        let line = ConsoleReport.progressLine(
            index: 1, count: 1, result: ReportFixtures.passingWithNotice, style: plain)
        #expect(line.hasSuffix("\n    note: baseline is stale; run `memgate run --update-baselines`"))
        let suite = SuiteResult(name: "memgate", cases: [ReportFixtures.passingWithNotice], durationSeconds: 1)
        #expect(MarkdownSummary.render(suite).contains("### Notices"))
    }

    /// 0.29 × 100 is 28.999999999999996 in binary: the gate snaps it to 29 B, so a 29 B growth is
    /// within tolerance, and the flamegraph's diff must not paint it as beyond.
    @Test func theFlamegraphDiffUsesTheGateTolerance() {
        let tolerance = Tolerance(growthFraction: 0.29, noiseFloorBytes: 0, topSites: 10)
        let profile = Profile(
            regionName: "case", peakBytes: 129, totalBytes: 129, allocationCount: 1, bytesAtEnd: 0,
            stacks: [ReportFixtures.pythonStack("build", "a.py", 1, bytesAtPeak: 129)])
        let baseline = Baseline(
            name: "case", peakBytes: 100, totalBytes: 100, allocationCount: 1, bytesAtEnd: 0,
            sites: ["build @ a.py": .init(bytesAtPeak: 100, allocationsAtPeak: 1, line: 1)],
            environment: ReportFixtures.environment)
        let diff = HtmlSiteDiff(profile: profile, baseline: baseline, tolerance: tolerance)
        #expect(diff.rows.map(\.beyondTolerance) == [false])
        #expect(!tolerance.isBeyond(deltaBytes: 29, from: 100))
    }

    /// `memgate report --html` draws a capture, which has no verdict: it is not shown as passed.
    @Test func aBareCapturePageHasNoVerdict() {
        let profile = Profile(
            regionName: "process", peakBytes: 1024, totalBytes: 1024, allocationCount: 1, bytesAtEnd: 0,
            stacks: [ReportFixtures.pythonStack("build", "a.py", 1, bytesAtPeak: 1024)])
        let html = HtmlFlamegraph.render(capture: profile, topSites: 5)
        #expect(html.contains("<span class=\"status status-capture\">capture</span>"))
        #expect(!html.contains("<span class=\"status status-passed\">"))
        #expect(!html.contains("<dt>Budget</dt>") && !html.contains("<dt>Baseline peak</dt>"))
    }
}
