/// The reviewed figures of one case, committed under `Baselines/` as deterministic JSON.
public struct Baseline: Hashable, Codable, Sendable {
    /// One top site as recorded in a baseline.
    public struct SiteFigures: Hashable, Codable, Sendable {
        public var bytesAtPeak: Int64
        public var allocationsAtPeak: Int64
        /// Recorded for readers; not part of the site identity.
        public var line: Int?

        enum CodingKeys: String, CodingKey {
            case bytesAtPeak, allocationsAtPeak, line
        }

        public init(bytesAtPeak: Int64, allocationsAtPeak: Int64, line: Int?) {
            self.bytesAtPeak = bytesAtPeak
            self.allocationsAtPeak = allocationsAtPeak
            self.line = line
        }
    }

    /// Current format version; bump on incompatible change.
    public static let currentFormatVersion = 1

    public var formatVersion: Int
    /// Case name (target name or pytest node id).
    public var name: String
    public var peakBytes: Int64
    public var totalBytes: Int64
    public var allocationCount: Int64
    public var bytesAtEnd: Int64
    /// Top sites at the peak keyed by `SiteKey.description` (`function @ file`).
    public var sites: [String: SiteFigures]
    public var environment: EnvironmentFingerprint
    /// Wall time of the case when recorded (`ShardDurations`), used only to balance shards.
    public var durationSeconds: Double?
    /// The last regression accepted on purpose (`memgate accept`); absent from files written before.
    public var accepted: BaselineAcceptance?
    /// Peak resident memory of the process tree when recorded; absent from older files and for
    /// pytest tests.
    public var residentPeakBytes: Int64?

    enum CodingKeys: String, CodingKey {
        case formatVersion, name, peakBytes, totalBytes, allocationCount, bytesAtEnd, sites, environment
        case durationSeconds, accepted, residentPeakBytes
    }

    public init(
        name: String, peakBytes: Int64, totalBytes: Int64, allocationCount: Int64, bytesAtEnd: Int64,
        sites: [String: SiteFigures], environment: EnvironmentFingerprint
    ) {
        self.formatVersion = Baseline.currentFormatVersion
        self.name = name
        self.peakBytes = peakBytes
        self.totalBytes = totalBytes
        self.allocationCount = allocationCount
        self.bytesAtEnd = bytesAtEnd
        self.sites = sites
        self.environment = environment
    }
}
