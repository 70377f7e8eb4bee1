import MemgateCore

/// The `index.html` of a run: one table row per case with its status, peak, budget and
/// baseline change, linking to the case's flamegraph page. Self-contained and script-free.
public enum HtmlIndex {
    /// Renders the index page of a suite.
    /// - Parameter suite: the run; each case's `flamegraphPath` (relative to the artifacts
    ///   directory, where the index is written) becomes the link to its page.
    /// - Returns: a complete UTF-8 HTML document.
    public static func render(suite: SuiteResult) -> String {
        let overall: CaseResult.Status = suite.failedCount > 0 ? .failed : .passed
        let counts = [
            "\(suite.cases.count) case\(suite.cases.count == 1 ? "" : "s")",
            "\(suite.passedCount) passed", "\(suite.failedCount) failed", "\(suite.skippedCount) skipped",
            HtmlFormat.duration(seconds: suite.durationSeconds),
        ].joined(separator: " · ")
        let rows =
            suite.cases.isEmpty
            ? "<tr><td colspan=\"8\" class=\"empty\">No cases ran.</td></tr>"
            : suite.cases.map(row).joined(separator: "\n")
        let body = """
            <header class="case-header">
            <div class="eyebrow">memgate memory report</div>
            <div class="title-row"><h1 class="case-name">\(HtmlEscape.text(suite.name))</h1>\(HtmlPage.statusBadge(overall))</div>
            <p class="summary-line">\(counts)</p>
            </header>
            <section class="panel">
            <table class="data" id="cases-table">
            <thead><tr><th>Case</th><th>Target</th><th>Status</th><th class="num">Peak</th>\
            <th class="num">Budget</th><th class="num">Baseline peak</th><th class="num">Δ</th><th>Report</th></tr></thead>
            <tbody>
            \(rows)
            </tbody>
            </table>
            </section>
            """
        return HtmlPage.document(title: "memgate · \(suite.name)", body: body)
    }

    private static func row(_ result: CaseResult) -> String {
        let peak = result.profile?.peakBytes
        let budget = result.budget.limitBytes.map(HtmlFormat.bytes) ?? "—"
        let baseline = result.baseline.map { HtmlFormat.bytes($0.peakBytes) } ?? "—"
        var delta = "<td class=\"num\">—</td>"
        if let peak, let base = result.baseline?.peakBytes {
            let change = HtmlPage.peakDelta(peakBytes: peak, baselinePeakBytes: base)
            delta = "<td class=\"num \(change.cssClass)\">\(change.text)</td>"
        }
        var link = "<td class=\"muted\">—</td>"
        if let path = result.flamegraphPath {
            link = "<td><a href=\"\(HtmlEscape.text(relativeHref(path)))\">flamegraph</a></td>"
        }
        let firstFailure =
            result.failures.first.map {
                "<div class=\"row-finding\">\(HtmlEscape.text($0.message))</div>"
            } ?? ""
        let overBudget = peak.flatMap { peak in result.budget.limitBytes.map { peak > $0 } } ?? false
        return "<tr class=\"case-\(result.status.rawValue)\" data-case=\"\(HtmlEscape.text(result.name))\">"
            + "<td class=\"case-name-cell\">\(HtmlEscape.text(result.name))\(firstFailure)</td>"
            + "<td>\(HtmlEscape.text(result.target))</td>"
            + "<td>\(HtmlPage.statusBadge(result.status))</td>"
            + "<td class=\"num\(overBudget ? " bad" : "")\">\(peak.map(HtmlFormat.bytes) ?? "—")</td>"
            + "<td class=\"num\">\(budget)</td><td class=\"num\">\(baseline)</td>\(delta)\(link)</tr>"
    }

    /// Keeps links relative to the index: anything not already starting with `./` or `../` is
    /// prefixed with `./`, so a `javascript:` scheme or a `//host` path can never become a link
    /// out of the artifacts directory.
    static func relativeHref(_ path: String) -> String {
        path.hasPrefix("./") || path.hasPrefix("../") ? path : "./" + path
    }
}
