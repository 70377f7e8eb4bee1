import MemgateCore

extension BaselineAcceptance {
    /// `accepted 2026-11-26: cache the index (peak 1.0 MiB → 3.0 MiB)`; the reason is untrusted
    /// text, escaped by each renderer. With no previous baseline: `(peak 3.0 MiB, first baseline)`.
    var reportText: String {
        let peak =
            old.map { "peak \(ReportFigures.bytes($0.peakBytes)) → \(ReportFigures.bytes(new.peakBytes))" }
            ?? "peak \(ReportFigures.bytes(new.peakBytes)), first baseline"
        return "accepted \(date): \(reason) (\(peak))"
    }
}
