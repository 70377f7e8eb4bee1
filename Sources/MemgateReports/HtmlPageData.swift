import MemgateCore

/// Everything the flamegraph page's script draws, embedded in the page as JSON
/// (`<script type="application/json" id="memgate-data">`).
struct HtmlPageData: Encodable, Sendable {
    /// One row of the top-sites table.
    struct SiteRow: Encodable, Sendable {
        var function: String
        var file: String
        var line: Int?
        var bytesAtPeak: Int64
        var allocationsAtPeak: Int64
        var totalBytes: Int64
        var allocationCount: Int64
        /// Index into `diff.rows`, -1 when there is no baseline.
        var diffRow: Int

        enum CodingKeys: String, CodingKey {
            case function, file, line, bytesAtPeak, allocationsAtPeak, totalBytes, allocationCount, diffRow
        }
    }

    /// Most timeline points kept; longer series keep each bucket's highest sample.
    static let maximumTimelinePoints = 2000

    /// Version of this embedded format.
    var formatVersion = 1
    var caseName: String
    var status: String
    /// False when the case produced no profile (nothing to draw).
    var measured: Bool
    var peakBytes: Int64
    var peakTimeMilliseconds: Double
    var durationMilliseconds: Double
    var limitBytes: Int64?
    var baselinePeakBytes: Int64?
    var timelineMilliseconds: [Double]
    var timelineBytes: [Int64]
    /// Resident memory of the process tree, sampled on the same time axis (empty when not
    /// sampled), and its peak (which may fall between samples).
    var residentMilliseconds: [Double] = []
    var residentBytes: [Int64] = []
    var residentPeakBytes: Int64?
    var tree: HtmlFlameTree
    var sites: [SiteRow]
    var diff: HtmlSiteDiff?

    enum CodingKeys: String, CodingKey {
        case formatVersion, caseName, status, measured, peakBytes, peakTimeMilliseconds
        case durationMilliseconds, limitBytes, baselinePeakBytes, timelineMilliseconds, timelineBytes
        case residentMilliseconds, residentBytes, residentPeakBytes
        case tree, sites, diff
    }

    init(result: FlamegraphSubject) {
        caseName = result.name
        status = result.status?.rawValue ?? "capture"
        limitBytes = result.budget.limitBytes
        baselinePeakBytes = result.baseline?.peakBytes
        guard let profile = result.profile else {
            measured = false
            peakBytes = 0
            peakTimeMilliseconds = 0
            durationMilliseconds = 0
            timelineMilliseconds = []
            timelineBytes = []
            tree = HtmlFlameTree(stacks: [])
            sites = []
            return
        }
        measured = true
        peakBytes = profile.peakBytes
        peakTimeMilliseconds = Double(profile.peakTimeNanoseconds) / 1e6
        durationMilliseconds = Double(profile.durationNanoseconds) / 1e6
        let samples = HtmlPageData.downsample(profile.timeline, to: HtmlPageData.maximumTimelinePoints)
        timelineMilliseconds = samples.map { Double($0.timeNanoseconds) / 1e6 }
        timelineBytes = samples.map(\.liveBytes)
        let resident = HtmlPageData.downsample(result.residentTimeline, to: HtmlPageData.maximumTimelinePoints)
        residentMilliseconds = resident.map { Double($0.timeNanoseconds) / 1e6 }
        residentBytes = resident.map(\.liveBytes)
        residentPeakBytes = result.residentPeakBytes
        diff = result.baseline.map { HtmlSiteDiff(profile: profile, baseline: $0, tolerance: result.tolerance) }
        let rowIndex = diff?.rowIndexByKey ?? [:]
        tree = HtmlFlameTree(stacks: profile.stacks, siteIndex: rowIndex)
        // A site with nothing live at the peak is not a "top site at the peak".
        let topSites = profile.topSites(limit: result.tolerance.topSites).filter { $0.bytesAtPeak > 0 }
        sites = topSites.map { site in
            SiteRow(
                function: site.key.function, file: site.key.file, line: site.line,
                bytesAtPeak: site.bytesAtPeak, allocationsAtPeak: site.allocationsAtPeak,
                totalBytes: site.totalBytes, allocationCount: site.allocationCount,
                diffRow: rowIndex[site.key.description] ?? -1)
        }
    }

    /// Keeps at most `limit` samples: the highest of each equal-sized bucket, so the shape
    /// and the maximum survive.
    static func downsample(_ samples: [TimelineSample], to limit: Int) -> [TimelineSample] {
        guard samples.count > limit, limit > 0 else { return samples }
        let bucketSize = (samples.count + limit - 1) / limit
        return stride(from: 0, to: samples.count, by: bucketSize).map { start in
            let bucket = samples[start..<min(start + bucketSize, samples.count)]
            return bucket.max { $0.liveBytes < $1.liveBytes } ?? bucket[start]
        }
    }
}
