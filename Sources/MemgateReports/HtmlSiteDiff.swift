import MemgateCore

/// Allocation sites at the peak compared against a baseline, for the flamegraph's diff view.
///
/// Sites are keyed by `function @ file` as in baselines. Rows cover every baselined site and
/// the current top N with bytes live at the peak; they are ordered by the size of the change, largest first.
struct HtmlSiteDiff: Encodable, Sendable {
    /// Which way a site moved.
    enum Change: String, Encodable, Sendable {
        case grown, shrunk, unchanged
        /// Not in the baseline's top sites.
        case new
        /// In the baseline, nothing live at the peak now.
        case gone
    }

    /// One compared site.
    struct Row: Encodable, Sendable {
        /// `function @ file`.
        var key: String
        var function: String
        var file: String
        var line: Int?
        /// Bytes at the peak in the baseline; nil for a new site.
        var baselineBytes: Int64?
        var currentBytes: Int64
        var deltaBytes: Int64
        /// `deltaBytes / baselineBytes`; nil for a new site.
        var deltaFraction: Double?
        var change: Change
        /// Whether the change exceeds both the growth tolerance and the noise floor.
        var beyondTolerance: Bool

        enum CodingKeys: String, CodingKey {
            case key, function, file, line, baselineBytes, currentBytes, deltaBytes, deltaFraction
            case change, beyondTolerance
        }
    }

    var baselinePeakBytes: Int64
    var currentPeakBytes: Int64
    var peakDeltaBytes: Int64
    var rows: [Row]

    enum CodingKeys: String, CodingKey {
        case baselinePeakBytes, currentPeakBytes, peakDeltaBytes, rows
    }

    init(profile: Profile, baseline: Baseline, tolerance: Tolerance) {
        baselinePeakBytes = baseline.peakBytes
        currentPeakBytes = profile.peakBytes
        peakDeltaBytes = profile.peakBytes - baseline.peakBytes
        let allSites = profile.topSites()
        let current = Dictionary(allSites.map { ($0.key.description, $0) }, uniquingKeysWith: { first, _ in first })
        var keys = Set(baseline.sites.keys)
        for site in allSites.prefix(tolerance.topSites) where site.bytesAtPeak > 0 {
            keys.insert(site.key.description)
        }
        rows = keys.map { key in
            HtmlSiteDiff.row(
                key: key, current: current[key], baseline: baseline.sites[key], tolerance: tolerance)
        }
        rows.sort {
            if $0.deltaBytes.magnitude != $1.deltaBytes.magnitude {
                return $0.deltaBytes.magnitude > $1.deltaBytes.magnitude
            }
            return $0.key < $1.key
        }
    }

    /// Row index by site key, for tagging tree nodes.
    var rowIndexByKey: [String: Int] {
        Dictionary(rows.enumerated().map { ($1.key, $0) }, uniquingKeysWith: { first, _ in first })
    }

    private static func row(
        key: String, current: Site?, baseline: Baseline.SiteFigures?, tolerance: Tolerance
    ) -> Row {
        let siteKey = current?.key ?? SiteKey(key)
        let currentBytes = current?.bytesAtPeak ?? 0
        let baselineBytes = baseline?.bytesAtPeak
        let delta = currentBytes - (baselineBytes ?? 0)
        let change: Change
        let fraction: Double?
        if let baselineBytes {
            fraction = baselineBytes == 0 ? nil : Double(delta) / Double(baselineBytes)
            if currentBytes == 0 && baselineBytes > 0 {
                change = .gone
            } else {
                change = delta > 0 ? .grown : (delta < 0 ? .shrunk : .unchanged)
            }
        } else {
            fraction = nil
            change = .new
        }
        return Row(
            key: key, function: siteKey.function, file: siteKey.file, line: current?.line ?? baseline?.line,
            baselineBytes: baselineBytes, currentBytes: currentBytes, deltaBytes: delta,
            deltaFraction: fraction, change: change,
            beyondTolerance: tolerance.isBeyond(deltaBytes: delta, from: baselineBytes ?? 0))
    }
}
