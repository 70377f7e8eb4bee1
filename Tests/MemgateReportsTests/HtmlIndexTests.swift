import Foundation
import MemgateCore
import Testing

@testable import MemgateReports

@Suite struct HtmlIndexTests {
    private var suite: SuiteResult {
        let passed = HtmlFixtures.result(name: "fibonacci-list", baseline: HtmlFixtures.baseline)
        var failed = HtmlFixtures.result(
            name: "tests/test_a.py::test_<b>big</b>",
            findings: [Finding(kind: .limitExceeded, message: "peak 976.6 KiB exceeds limit 500.0 KiB")])
        failed.budget = Budget(limitBytes: 512_000)
        failed.flamegraphPath = "javascript:alert(1)"
        let skipped = CaseResult(target: "parser", name: "parser", status: .skipped)
        return SuiteResult(name: "memgate", cases: [passed, failed, skipped], durationSeconds: 3.5)
    }

    @Test func tableHasOneRowPerCaseWithStatusPeakBudgetAndLink() {
        let html = HtmlIndex.render(suite: suite)
        #expect(html.components(separatedBy: "<tr class=\"case-").count - 1 == 3)
        #expect(
            html.contains("<a href=\".&#47;fibonacci-list.html\">flamegraph</a>"), "slashes are escaped like all text")
        #expect(html.contains("3 cases · 1 passed · 1 failed · 1 skipped · 3.5 s"))
        #expect(html.contains("<td class=\"num bad\">976.6 KiB</td><td class=\"num\">500.0 KiB</td>"), "over budget")
        #expect(html.contains("<td class=\"num delta grown\">+293.0 KiB (+42.9%)</td>"))
        #expect(html.contains("peak 976.6 KiB exceeds limit 500.0 KiB"), "first failure under the case name")
        #expect(html.contains("status status-failed"), "suite badge")
    }

    @Test func caseNamesAreEscapedAndLinksStayRelative() {
        let html = HtmlIndex.render(suite: suite)
        #expect(html.contains("test_&lt;b&gt;big&lt;&#47;b&gt;"))
        #expect(!html.contains("<b>big"))
        #expect(html.contains("href=\".&#47;javascript:alert(1)\""))
        #expect(!html.contains("<script"), "the index needs no script")
    }

    @Test(arguments: [
        ("cases/a.html", "./cases/a.html"), ("./a.html", "./a.html"), ("../a.html", "../a.html"),
        ("javascript:alert(1)", "./javascript:alert(1)"), ("//host/a.html", ".///host/a.html"),
    ])
    func hrefsAreForcedRelative(path: String, href: String) {
        #expect(HtmlIndex.relativeHref(path) == href)
    }

    @Test func emptySuiteSaysSo() {
        let html = HtmlIndex.render(suite: SuiteResult(name: "memgate", cases: [], durationSeconds: 0))
        #expect(html.contains("No cases ran."))
    }
}
