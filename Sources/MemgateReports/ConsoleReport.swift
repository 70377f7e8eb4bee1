import MemgateCore

/// Human-readable console output: a progress line per case as it finishes, and a final table.
///
/// Names and messages come from targets and are untrusted: control characters are printed as
/// visible `\u{..}` escapes, so no target can move the cursor or change colours.
public enum ConsoleReport {
    /// How many top sites a failing progress line lists.
    static let progressTopSites = 3

    /// One finished case: `[2/5] PASS fibonacci-generator  peak 1.6 KiB (limit 100.0 KiB)  0.41 s`.
    ///
    /// A failing case is followed by its failure messages and its top 3 sites at the peak,
    /// indented. No trailing newline.
    /// - Parameters:
    ///   - index: 1-based position of the case in the run.
    ///   - count: number of cases in the run.
    public static func progressLine(index: Int, count: Int, result: CaseResult, style: ConsoleStyle) -> String {
        let counter = "[" + DisplayWidth.padLeft(String(index), to: String(count).count) + "/\(count)]"
        let name = clean(result.name)
        let seconds = ReportFigures.seconds(result.durationSeconds, decimals: 2) + " s" + repeatsText(result)
        switch result.status {
        case .passed:
            let notices = result.reportedNotices.map { "    note: " + clean(TextSanitizer.firstLine($0.message)) }
            return (["\(counter) \(style.success("PASS")) \(name)  \(figures(of: result))  \(seconds)"] + notices)
                .joined(separator: "\n")
        case .skipped:
            let reason = result.findings.first.map { clean(TextSanitizer.firstLine($0.message)) } ?? "skipped"
            return "\(counter) \(style.warning("SKIP")) \(name)  \(reason)  \(seconds)"
        case .failed:
            var lines = ["\(counter) \(style.failure("FAIL")) \(name)  \(figures(of: result))  \(seconds)"]
            let messages = result.failures.map(\.message)
            lines += (messages.isEmpty ? ["failed"] : messages).map { "    - " + clean($0) }
            let sites = result.topSiteLines(limit: progressTopSites)
            if !sites.isEmpty {
                lines.append("    top sites at peak:")
                lines += sites.map { "    " + clean($0) }
            }
            return lines.joined(separator: "\n")
        }
    }

    /// `  (3 runs: min 1.0 MiB, median 1.1 MiB, max 1.3 MiB; gated on the median)` for repeated targets.
    static func repeatsText(_ result: CaseResult) -> String {
        let peaks = result.repeatPeakBytes.sorted()
        guard peaks.count > 1 else { return "" }
        let median = peaks[(peaks.count - 1) / 2]
        return "  (\(peaks.count) runs: min \(ReportFigures.bytes(peaks[0])), median \(ReportFigures.bytes(median)), "
            + "max \(ReportFigures.bytes(peaks[peaks.count - 1])); gated on the median)"
    }

    /// The final table, one row per case, columns aligned, then `3 passed, 1 failed, 0 skipped`.
    /// Ends with a newline.
    public static func table(_ suite: SuiteResult, style: ConsoleStyle) -> String {
        let header = ["Target", "Verdict", "Peak", "Limit", "Baseline", "Δ", "Time"]
        let rightAligned: Set<Int> = [2, 3, 4, 5, 6]
        let rows = suite.cases.map(cells(for:))
        var widths = header.map(DisplayWidth.of)
        for row in rows {
            for (column, cell) in row.enumerated() { widths[column] = max(widths[column], DisplayWidth.of(cell)) }
        }

        func render(_ row: [String], verdictStatus: CaseResult.Status?) -> String {
            let padded = row.enumerated().map { column, cell in
                let text =
                    rightAligned.contains(column)
                    ? DisplayWidth.padLeft(cell, to: widths[column]) : DisplayWidth.padRight(cell, to: widths[column])
                // Colour after padding: escape codes take no columns.
                guard column == 1, let verdictStatus else { return text }
                return paint(text, status: verdictStatus, style: style)
            }
            return trimTrailingSpaces(padded.joined(separator: "  "))
        }

        var lines = [render(header, verdictStatus: nil)]
        lines.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
        for (row, result) in zip(rows, suite.cases) {
            lines.append(render(row, verdictStatus: result.status))
        }
        lines.append("")
        lines.append(summary(suite, style: style))
        return lines.joined(separator: "\n") + "\n"
    }

    /// `3 passed, 1 failed, 0 skipped`, with non-zero counts coloured.
    static func summary(_ suite: SuiteResult, style: ConsoleStyle) -> String {
        let passed = "\(suite.passedCount) passed"
        let failed = "\(suite.failedCount) failed"
        let skipped = "\(suite.skippedCount) skipped"
        return [
            suite.passedCount > 0 ? style.success(passed) : passed,
            suite.failedCount > 0 ? style.failure(failed) : failed,
            suite.skippedCount > 0 ? style.warning(skipped) : skipped,
        ].joined(separator: ", ")
    }

    private static func cells(for result: CaseResult) -> [String] {
        let row = CaseRow(result)
        return [clean(row.name), row.verdict(passed: "PASS", failed: "FAIL", skipped: "SKIP")]
            + row.figures(placeholder: "-")
            + [ReportFigures.seconds(result.durationSeconds, decimals: 2) + " s"]
    }

    /// `peak 1.6 KiB (limit 100.0 KiB)`, or against the baseline when there is no limit.
    private static func figures(of result: CaseResult) -> String {
        let resident = result.residentPeakBytes.map { ", RSS " + ReportFigures.bytes($0) } ?? ""
        guard let profile = result.profile else { return "not measured" + resident }
        let peak = "peak " + ReportFigures.bytes(profile.peakBytes)
        if let limit = result.budget.limitBytes { return peak + " (limit \(ReportFigures.bytes(limit)))" + resident }
        if let baseline = result.baseline {
            return peak + " (baseline \(ReportFigures.bytes(baseline.peakBytes)))" + resident
        }
        return peak + resident
    }

    private static func paint(_ text: String, status: CaseResult.Status, style: ConsoleStyle) -> String {
        switch status {
        case .passed: return style.success(text)
        case .failed: return style.failure(text)
        case .skipped: return style.warning(text)
        }
    }

    private static func clean(_ text: String) -> String {
        TextSanitizer.terminal(text, keepNewlines: false)
    }

    private static func trimTrailingSpaces(_ line: String) -> String {
        var line = line
        while line.last == " " { line.removeLast() }
        return line
    }
}
