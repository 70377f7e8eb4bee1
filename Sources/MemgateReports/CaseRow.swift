import MemgateCore

/// The figures of one case as the console table and the Markdown summary both show them, so
/// the two cannot disagree; each reporter only escapes and lays them out.
struct CaseRow {
    /// The case name, untrusted: each reporter escapes it for its medium.
    var name: String
    var status: CaseResult.Status
    /// nil where there is nothing to show (each reporter has its own placeholder).
    var peak: String?
    var limit: String?
    var baseline: String?
    /// `+1.5 KiB (+4.6%)`, `±0 B (±0.0%)`.
    var delta: String?

    init(_ result: CaseResult) {
        name = result.name
        status = result.status
        peak = result.profile.map { ReportFigures.bytes($0.peakBytes) }
        limit = result.budget.limitBytes.map(ReportFigures.bytes)
        baseline = result.baseline.map { ReportFigures.bytes($0.peakBytes) }
        if let deltaBytes = result.baselineDeltaBytes, let baselinePeak = result.baseline?.peakBytes {
            var text = ReportFigures.signedBytes(deltaBytes)
            if let percent = ReportFigures.percentChange(from: baselinePeak, to: baselinePeak + deltaBytes) {
                text += " (\(percent))"
            }
            delta = text
        }
    }

    /// The verdict in a reporter's own words for this status.
    func verdict(passed: String, failed: String, skipped: String) -> String {
        switch status {
        case .passed: return passed
        case .failed: return failed
        case .skipped: return skipped
        }
    }

    /// The figure cells after the name and verdict: peak, limit, baseline, delta.
    func figures(placeholder: String) -> [String] {
        [peak, limit, baseline, delta].map { $0 ?? placeholder }
    }
}
