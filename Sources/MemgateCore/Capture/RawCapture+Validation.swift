extension RawCapture {
    /// The largest byte figure or count a capture may hold, alone or summed over its stacks:
    /// 2^53 (8 PiB, or 9·10^15 allocations). No measured program comes near it, it is the
    /// largest integer a JSON number read by JavaScript (the HTML report) keeps exactly, and
    /// 1024 such figures still add up without overflowing `Int64`, so code after the decoder
    /// can add figures without checking.
    public static let maximumFigure: Int64 = 1 << 53

    /// Throws `CaptureError.corrupt` naming the first field that is negative or past
    /// `maximumFigure`, or whose sum over the stacks is: a hostile or damaged file must never
    /// reach arithmetic that traps.
    func validateFigures() throws(CaptureError) {
        let header: [(String, Int64)] = [
            ("live_bytes", liveBytes), ("peak_bytes", peakBytes), ("total_bytes", totalBytes),
            ("alloc_count", allocationCount), ("free_count", freeCount), ("tree_peak_bytes", treePeakBytes),
            ("fast_unwinds", fastUnwinds), ("slow_unwinds", slowUnwinds), ("shallow_unwinds", shallowUnwinds),
        ]
        for (field, value) in header {
            try Self.check(value, "header \(field)", unsigned: Self.unsignedFields.contains(field))
        }
        // Times are unsigned in the file: past Int64.max they read as negative.
        let times: [(String, Int64)] = [
            ("start_ns", startNanoseconds), ("peak_ns", peakTimeNanoseconds), ("end_ns", durationNanoseconds),
        ]
        for (field, value) in times where value < 0 {
            throw .corrupt("header \(field) is \(UInt64(bitPattern: value)), past the largest time memgate reads")
        }
        var sums = StackFigureSums()
        for (index, stack) in stacks.enumerated() {
            // Named (and their names looked up) only when one is out of range: a scipy import's
            // capture has 49 000 stacks.
            if !stack.figuresInRange {
                for (field, value) in stack.figures {
                    try Self.check(value, "stack \(index) \(field)", unsigned: Self.unsignedFields.contains(field))
                }
            }
            try sums.add(stack)
        }
        for (index, sample) in timeline.enumerated() {
            try Self.check(sample.liveBytes, "timeline sample \(index) live_bytes")
            if sample.timeNanoseconds < 0 {
                throw .corrupt(
                    "timeline sample \(index) time_ns is \(UInt64(bitPattern: sample.timeNanoseconds)), "
                        + "past the largest time memgate reads")
            }
        }
    }

    /// Fields of `mg_header` and `mg_stack` that are unsigned in C: an error shows them as the
    /// tracker wrote them, not as the `Int64` they are read into.
    static let unsignedFields: Set<String> = [
        "total_bytes", "alloc_count", "free_count", "fast_unwinds", "slow_unwinds", "shallow_unwinds",
    ]

    /// Throws unless `value` is in 0…`maximumFigure`; `unsigned` fields are shown unsigned.
    static func check(_ value: Int64, _ field: String, unsigned: Bool = false) throws(CaptureError) {
        guard value >= 0, value <= maximumFigure else {
            let shown = unsigned ? String(UInt64(bitPattern: value)) : String(value)
            throw .corrupt("\(field) is \(shown), outside 0…\(maximumFigure)")
        }
    }
}

extension RawCapture.Stack {
    /// The field names in `mg_stack` of `figureValues`, in their order.
    static let figureNames = ["live_bytes", "live_count", "peak_bytes", "peak_count", "total_bytes", "alloc_count"]

    /// The figures, in `figureNames`' order.
    var figureValues: [Int64] { [liveBytes, liveCount, peakBytes, peakCount, totalBytes, allocationCount] }

    /// Each figure with its field name in `mg_stack`.
    var figures: [(String, Int64)] { Array(zip(Self.figureNames, figureValues)) }

    /// Whether every figure is in 0…`RawCapture.maximumFigure`.
    var figuresInRange: Bool {
        let range = 0...RawCapture.maximumFigure
        return range.contains(liveBytes) && range.contains(liveCount) && range.contains(peakBytes)
            && range.contains(peakCount) && range.contains(totalBytes) && range.contains(allocationCount)
    }
}

/// Sums of stacks' figures, kept at most `RawCapture.maximumFigure` each: over one capture's
/// stacks (the decoder) and over a process tree's captures (`CaptureSet`), whose stacks the
/// reports add up again.
public struct StackFigureSums: Sendable {
    private var sums: [Int64] = Array(repeating: 0, count: 6)

    public init() {}

    /// Adds one stack's figures; throws `.corrupt` naming the field whose sum passes the maximum.
    mutating func add(_ stack: RawCapture.Stack) throws(CaptureError) {
        for (position, value) in stack.figureValues.enumerated() {
            let (sum, overflow) = sums[position].addingReportingOverflow(value)
            sums[position] = sum
            guard !overflow, value >= 0, sum <= RawCapture.maximumFigure else {
                let field = RawCapture.Stack.figureNames[position]
                throw .corrupt("the stacks' \(field) add up to more than \(RawCapture.maximumFigure)")
            }
        }
    }

    /// Adds every stack of a decoded capture, or throws and leaves the sums as they were.
    public mutating func add(_ capture: RawCapture) throws(CaptureError) {
        var copy = self
        for stack in capture.stacks { try copy.add(stack) }
        self = copy
    }
}
