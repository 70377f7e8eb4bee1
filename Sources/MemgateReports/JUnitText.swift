import MemgateCore

/// The text bodies of a JUnit testcase: its `<failure>`/`<error>` details and its
/// `<system-out>`, where the figures live (junit-10.xsd allows no per-testcase properties).
enum JUnitText {
    /// Every failure finding, then the top sites at the peak.
    static func failureBody(of result: CaseResult) -> String {
        var lines = result.failures.map { "\($0.kind.rawValue): \($0.message)" }
        if lines.isEmpty { lines.append("failed") }
        let sites = result.topSiteLines()
        if !sites.isEmpty {
            lines.append("")
            lines.append("Top sites at peak:")
            lines.append(contentsOf: sites)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The figures (with the top sites at the peak), then notices, then the output tail.
    static func systemOut(of result: CaseResult) -> String {
        var sections: [String] = []
        let figures = figureLines(of: result)
        if !figures.isEmpty {
            let sites = result.topSiteLines()
            sections.append(
                (figures + (sites.isEmpty ? [] : ["Top sites at peak:"] + sites)).joined(separator: "\n"))
        }
        let notices = result.findings.filter { !$0.isFailure }
        if !notices.isEmpty {
            sections.append(notices.map { "notice: \($0.kind.rawValue): \($0.message)" }.joined(separator: "\n"))
        }
        if !result.outputTail.isEmpty {
            sections.append("Output tail:\n" + result.outputTail)
        }
        let text = sections.joined(separator: "\n\n")
        return text.isEmpty || text.last?.isNewline == true ? text : text + "\n"
    }

    /// `name: value` lines with exact byte counts, in a fixed order; absent figures left out.
    static func figureLines(of result: CaseResult) -> [String] {
        var lines: [String] = []
        func appendBytes(_ name: String, _ value: Int64) {
            lines.append("\(name): \(ReportFigures.bytes(value)) (\(value) B)")
        }
        if let profile = result.profile {
            appendBytes("peak", profile.peakBytes)
        }
        if let limit = result.budget.limitBytes { appendBytes("limit", limit) }
        if let leakLimit = result.budget.leakLimitBytes { appendBytes("leak limit", leakLimit) }
        if let baseline = result.baseline { appendBytes("baseline peak", baseline.peakBytes) }
        if let resident = result.residentPeakBytes { appendBytes("peak RSS", resident) }
        if let limit = result.budget.limitResidentBytes { appendBytes("RSS limit", limit) }
        if let profile = result.profile {
            appendBytes("total allocated", profile.totalBytes)
            lines.append("allocations: \(profile.allocationCount)")
            appendBytes("live at end", profile.bytesAtEnd)
        }
        if let path = result.flamegraphPath {
            lines.append("flamegraph: \(path)")
        }
        return lines
    }
}
