import Foundation
import MemgateCore

/// Wording shared by the JUnit, Markdown and console reporters, so they say the same thing.
extension CaseResult {
    /// The first failure's message, first line only; "failed" when the case failed without one.
    var failureReason: String {
        failures.first.map { TextSanitizer.firstLine($0.message) } ?? "failed"
    }

    /// Notices worth a reader's attention even on a passing case: a stale baseline, a changed
    /// environment, a tracker capacity limit (not "no baseline yet" or "baseline updated",
    /// which the run prints itself).
    var reportedNotices: [Finding] {
        findings.filter { [.staleBaseline, .environmentMismatch, .captureLimit].contains($0.kind) }
    }

    /// The measured peak ("1.6 KiB"), or "not measured" when there is no profile.
    var peakText: String {
        profile.map { ReportFigures.bytes($0.peakBytes) } ?? "not measured"
    }

    /// What the peak is held to: the limit, else the baseline with its tolerance, else "none".
    var budgetText: String {
        if failures.first?.kind == .leakLimitExceeded, let leaks = budget.leakLimitBytes {
            return "leaks \(ReportFigures.bytes(leaks))"
        }
        if let limit = budget.limitBytes { return ReportFigures.bytes(limit) }
        if let baseline {
            return "baseline \(ReportFigures.bytes(baseline.peakBytes)) +\(toleranceText)"
        }
        return "none"
    }

    /// `reason; peak X; budget Y` on one line, for JUnit `message` attributes.
    var failureHeadline: String {
        "\(failureReason); peak \(peakText); budget \(budgetText)"
    }

    /// The tolerance as a percentage, e.g. "5%" or "2.5%".
    var toleranceText: String {
        String(format: "%g%%", tolerance.growthFraction * 100)
    }

    /// Peak minus baseline peak, when both are known.
    var baselineDeltaBytes: Int64? {
        guard let profile, let baseline else { return nil }
        return profile.peakBytes - baseline.peakBytes
    }

    /// The top sites at the peak as `  120.2 MiB  build_list @ fib.py:12`, bytes right-aligned.
    ///
    /// - Parameter limit: how many sites; the case's `tolerance.topSites` when nil.
    func topSiteLines(limit: Int? = nil) -> [String] {
        guard let profile else { return [] }
        let sites = profile.topSites(limit: limit ?? tolerance.topSites)
        let sizes = sites.map { ReportFigures.bytes($0.bytesAtPeak) }
        let width = sizes.map(\.count).max() ?? 0
        return zip(sizes, sites).map { size, site in
            "  " + String(repeating: " ", count: width - size.count) + size + "  " + site.displayName
        }
    }
}
