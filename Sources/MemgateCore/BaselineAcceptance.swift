/// Why a baseline was moved on purpose (`memgate accept`), recorded in the baseline file so review
/// sees why a budget grew; the last acceptance is kept until the next one.
public struct BaselineAcceptance: Hashable, Codable, Sendable {
    /// The whole-case figures an acceptance compares.
    public struct Figures: Hashable, Codable, Sendable {
        public var peakBytes: Int64
        public var totalBytes: Int64
        public var allocationCount: Int64
        public var bytesAtEnd: Int64

        enum CodingKeys: String, CodingKey {
            case peakBytes, totalBytes, allocationCount, bytesAtEnd
        }

        public init(peakBytes: Int64, totalBytes: Int64, allocationCount: Int64, bytesAtEnd: Int64) {
            self.peakBytes = peakBytes
            self.totalBytes = totalBytes
            self.allocationCount = allocationCount
            self.bytesAtEnd = bytesAtEnd
        }

        /// The figures of `baseline`.
        public init(_ baseline: Baseline) {
            self.init(
                peakBytes: baseline.peakBytes, totalBytes: baseline.totalBytes,
                allocationCount: baseline.allocationCount, bytesAtEnd: baseline.bytesAtEnd)
        }
    }

    /// The reason given with `--reason`, as written.
    public var reason: String
    /// The day of the acceptance, `YYYY-MM-DD` in UTC.
    public var date: String
    /// The baseline's figures before the acceptance; nil when there was no baseline.
    public var old: Figures?
    /// The figures accepted.
    public var new: Figures

    enum CodingKeys: String, CodingKey {
        case reason, date, old, new
    }

    public init(reason: String, date: String, old: Figures?, new: Figures) {
        self.reason = reason
        self.date = date
        self.old = old
        self.new = new
    }
}

/// What `memgate accept` asks of every case it runs: accept its measurement with this reason.
public struct AcceptanceRequest: Hashable, Sendable {
    /// Why the figures are accepted; never empty.
    public var reason: String
    /// `YYYY-MM-DD` in UTC.
    public var date: String

    public init(reason: String, date: String) {
        precondition(!reason.isEmpty, "an acceptance needs a reason")
        self.reason = reason
        self.date = date
    }
}
