import MemgateCore

extension SuppressionEffect {
    /// `alloc:^vendor_ (ci/lsan.supp:3) removed 512.0 KiB at peak, 512.0 KiB allocated in 2
    /// allocations, 0 B live at end`; a `leak:` rule only ever removes bytes live at the end.
    var reportText: String {
        let origin = rule.origin == "ignore" ? "" : " (\(rule.origin))"
        let end = "\(ReportFigures.bytes(bytesAtEnd)) live at end"
        guard rule.removesAllocations else { return "\(rule.text)\(origin) removed \(end)" }
        let allocations = allocationCount == 1 ? "1 allocation" : "\(allocationCount) allocations"
        return "\(rule.text)\(origin) removed \(ReportFigures.bytes(bytesAtPeak)) at peak, "
            + "\(ReportFigures.bytes(totalBytes)) allocated in \(allocations), \(end)"
    }
}
