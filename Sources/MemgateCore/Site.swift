/// An allocation site: the figures of all stacks whose allocating frame is the same `SiteKey`.
public struct Site: Hashable, Codable, Sendable {
    public var key: SiteKey
    /// Line of the allocating frame that holds most bytes at the peak (informational).
    public var line: Int?
    /// Requested bytes live at the region's peak.
    public var bytesAtPeak: Int64
    /// Allocations live at the region's peak.
    public var allocationsAtPeak: Int64
    /// Requested bytes allocated over the region.
    public var totalBytes: Int64
    /// Allocations made over the region.
    public var allocationCount: Int64
    /// Requested bytes still live at the end of the region.
    public var bytesAtEnd: Int64
    /// For multi-process targets: the pid of the process holding most of the site's bytes.
    public var pid: Int?

    enum CodingKeys: String, CodingKey {
        case key, line, bytesAtPeak, allocationsAtPeak, totalBytes, allocationCount, bytesAtEnd, pid
    }

    public init(
        key: SiteKey, line: Int?, bytesAtPeak: Int64, allocationsAtPeak: Int64 = 0, totalBytes: Int64 = 0,
        allocationCount: Int64 = 0, bytesAtEnd: Int64 = 0
    ) {
        self.key = key
        self.line = line
        self.bytesAtPeak = bytesAtPeak
        self.allocationsAtPeak = allocationsAtPeak
        self.totalBytes = totalBytes
        self.allocationCount = allocationCount
        self.bytesAtEnd = bytesAtEnd
    }

    /// `function @ file:line` for people; `… (in program, pid N)` in a multi-process target.
    public var displayName: String {
        let site: String
        if key.file.isEmpty {
            site = key.function
        } else if let line {
            site = "\(key.function) @ \(key.file):\(line)"
        } else {
            site = "\(key.function) @ \(key.file)"
        }
        guard let process = key.process else { return site }
        return "\(site) (in \(process)" + (pid.map { ", pid \($0))" } ?? ")")
    }
}
