import MemgateCore

/// The self-contained HTML report of one case: a header with the verdict, memory over time,
/// an icicle graph of the stacks live at the peak (click to zoom, search, tooltips), the top
/// sites and, when a baseline exists, a diff view colouring sites by growth.
///
/// The page needs no network: its stylesheet and script are inlined and its data is embedded
/// as JSON in `<script type="application/json" id="memgate-data">`, escaped so no name from the
/// target can end that element. Everything taken from the target reaches the page as escaped
/// text (here) or through `textContent` (in the script).
public enum HtmlFlamegraph {
    /// Renders the report page of one case.
    /// - Parameter result: the case; uses its profile, baseline, findings, budget and tolerance.
    /// - Returns: a complete UTF-8 HTML document.
    public static func render(result: CaseResult) -> String {
        render(FlamegraphSubject(result))
    }

    /// Renders the page of a bare capture, without a verdict (`memgate report --html`).
    /// - Parameter topSites: how many sites the top-sites table lists.
    public static func render(capture profile: Profile, topSites: Int) -> String {
        render(FlamegraphSubject(capture: profile, topSites: topSites))
    }

    private static func render(_ result: FlamegraphSubject) -> String {
        let data = HtmlPageData(result: result)
        // Encoding plain numbers and strings cannot fail; an empty object keeps the page alive.
        let json = (try? HtmlEscape.scriptJSON(data)) ?? "{}"
        let body = [
            header(result),
            result.profile == nil ? unmeasuredPanel : panels,
            "<script type=\"application/json\" id=\"memgate-data\">\(json)</script>",
        ].joined(separator: "\n")
        return HtmlPage.document(
            title: "memgate · \(result.name)", body: body,
            scriptAsset: result.profile == nil ? nil : "flamegraph.js")
    }

    private static func header(_ result: FlamegraphSubject) -> String {
        var figures: [String] = []
        let peak = result.profile?.peakBytes
        figures.append(HtmlPage.figure("Peak", peak.map(HtmlFormat.bytes) ?? "not measured"))
        if let resident = result.residentPeakBytes {
            var text = HtmlFormat.bytes(resident)
            if let limit = result.budget.limitResidentBytes {
                text += " <span class=\"sub\">(limit \(HtmlFormat.bytes(limit)))</span>"
            }
            figures.append(HtmlPage.figure("Peak RSS", text))
        }
        if let charged = result.chargedPeakBytes {
            figures.append(HtmlPage.figure("Peak charged (cgroup)", HtmlFormat.bytes(charged)))
        }
        // A bare capture was never gated: it has no budget or baseline to show.
        let gated = result.status != nil
        if gated { figures.append(HtmlPage.figure("Budget", budgetText(result.budget, peakBytes: peak))) }
        if !gated {
            // Nothing to compare with.
        } else if let baseline = result.baseline {
            figures.append(HtmlPage.figure("Baseline peak", HtmlFormat.bytes(baseline.peakBytes)))
            if let peak {
                let delta = HtmlPage.peakDelta(peakBytes: peak, baselinePeakBytes: baseline.peakBytes)
                figures.append(HtmlPage.figure("Δ vs baseline", delta.text, valueClass: delta.cssClass))
            }
        } else {
            figures.append(HtmlPage.figure("Baseline peak", "none"))
        }
        if let profile = result.profile {
            figures.append(HtmlPage.figure("Allocations", HtmlFormat.count(profile.allocationCount)))
            figures.append(HtmlPage.figure("Allocated", HtmlFormat.bytes(profile.totalBytes)))
            figures.append(HtmlPage.figure("Live at end", HtmlFormat.bytes(profile.bytesAtEnd)))
        }
        figures.append(HtmlPage.figure("Duration", HtmlFormat.duration(seconds: result.durationSeconds)))
        if let end = result.processEnd, end != .exited(code: 0) {
            figures.append(HtmlPage.figure("Process", HtmlEscape.text(processEndText(end)), valueClass: "bad"))
        }
        var notes = result.findings.map(findingItem)
        if gated, let accepted = result.baseline?.accepted {
            notes.append(
                "<li class=\"finding notice accepted\"><span class=\"finding-kind\">last accepted</span>"
                    + "\(HtmlEscape.text(accepted.reportText))</li>")
        }
        if result.profile?.completion == .interrupted {
            notes.append(
                "<li class=\"finding notice\"><span class=\"finding-kind\">interrupted</span>"
                    + "The process died before the capture was finalized; figures are those reached so far.</li>")
        }
        let target = result.target == result.name ? "" : " · target \(HtmlEscape.text(result.target))"
        var header = """
            <header class="case-header">
            <div class="eyebrow">memgate memory report\(target)</div>
            <div class="title-row"><h1 class="case-name">\(HtmlEscape.text(result.name))</h1>\(result.status.map(HtmlPage.statusBadge) ?? HtmlPage.captureBadge)</div>
            <dl class="figures">\(figures.joined())</dl>
            """
        if !notes.isEmpty { header += "\n<ul class=\"findings\">\(notes.joined())</ul>" }
        if !result.outputTail.isEmpty {
            header +=
                "\n<details class=\"output\"><summary>Target output (last lines)</summary>"
                + "<pre>\(HtmlEscape.text(result.outputTail))</pre></details>"
        }
        return header + "\n</header>"
    }

    private static func budgetText(_ budget: Budget, peakBytes: Int64?) -> String {
        guard let limit = budget.limitBytes else { return "no limit" }
        var text = HtmlFormat.bytes(limit)
        if let peakBytes, limit > 0 {
            let used = Double(peakBytes) / Double(limit) * 100
            text += " <span class=\"sub\">(\(Int(used.rounded()))% used)</span>"
        }
        return text
    }

    private static func findingItem(_ finding: Finding) -> String {
        let kind = finding.kind.rawValue.reduce(into: "") { words, character in
            if character.isUppercase { words += " " }
            words += character.lowercased()
        }
        let cssClass = finding.isFailure ? "failure" : "notice"
        return "<li class=\"finding \(cssClass)\"><span class=\"finding-kind\">\(kind)</span>"
            + "\(HtmlEscape.text(finding.message))</li>"
    }

    private static func processEndText(_ end: CaseResult.ProcessEnd) -> String {
        switch end {
        case .exited(let code): return "exited with status \(code)"
        case .signalled(let signal): return "killed by signal \(signal)"
        case .timedOut(let seconds): return "timed out after \(HtmlFormat.duration(seconds: seconds))"
        }
    }

    private static let unmeasuredPanel = """
        <section class="panel empty"><p>Nothing was measured for this case, so there is no \
        timeline or flamegraph. See the findings above.</p></section>
        """

    /// The skeleton the script fills in; ids are part of the page's contract with tests.
    private static let panels = """
        <section class="panel" id="timeline-panel">
        <div class="panel-head"><h2>Memory over time</h2><span class="hint" id="timeline-caption"></span></div>
        <div id="timeline"><svg id="timeline-svg" role="img" aria-label="Live bytes over time"></svg></div>
        <div id="timeline-legend" class="timeline-legend"></div>
        </section>
        <section class="panel" id="flame-panel">
        <div class="panel-head">
        <h2>Live at peak</h2>
        <div class="toolbar">
        <input id="search" type="search" placeholder="Search functions or files" autocomplete="off" spellcheck="false">
        <span id="search-result" class="hint"></span>
        <button id="reset-zoom" type="button" disabled>Reset zoom</button>
        <label class="toggle" id="diff-toggle-label"><input id="diff-toggle" type="checkbox"> Diff vs baseline</label>
        </div>
        </div>
        <nav id="breadcrumbs" aria-label="Zoom path"></nav>
        <div id="flame-wrap"><canvas id="flame"></canvas></div>
        <div id="legend" class="legend"></div>
        <ol id="frame-list" class="visually-hidden" aria-label="Frames under the root, largest first"></ol>
        <div id="tooltip" role="tooltip" hidden></div>
        </section>
        <section class="panel" id="sites-panel">
        <div class="panel-head"><h2>Top sites at peak</h2><span class="hint">click a row to search for it</span></div>
        <table id="sites-table" class="data"></table>
        </section>
        <section class="panel" id="diff-panel" hidden>
        <div class="panel-head"><h2>Sites vs baseline</h2><span class="hint" id="diff-caption"></span></div>
        <table id="diff-table" class="data"></table>
        </section>
        """
}
