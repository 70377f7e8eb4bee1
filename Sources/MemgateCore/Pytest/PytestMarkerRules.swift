/// pytest-memray's marker semantics, applied to a memgate profile of one test's call.
///
/// - `limit_memory(size)`: fails when the memory allocated during the test and live at its
///   high-water mark is **≥** size (pytest-memray compares with `>=`, unlike memgate's
///   `limit`, which fails only above the budget).
/// - `limit_leaks(size)`: fails when any one allocation location (a unique stack) still
///   holds ≥ size at the end of the test.
public enum PytestMarkerRules {
    public static func findings(profile: Profile, limitMemoryBytes: Int64?, limitLeaksBytes: Int64?) -> [Finding] {
        var findings: [Finding] = []
        if let limit = limitMemoryBytes, profile.peakBytes >= limit {
            findings.append(Finding(
                kind: .limitExceeded,
                message: "limit_memory: peak \(BytesText.format(profile.peakBytes)) is not below the limit \(BytesText.format(limit))",
                bytes: profile.peakBytes - limit))
        }
        if let limit = limitLeaksBytes {
            let leaking = profile.stacks.filter { $0.bytesAtEnd >= limit }.sorted { $0.bytesAtEnd > $1.bytesAtEnd }
            if let worst = leaking.first {
                let frame = Frame.allocatingFrame(in: worst.frames)
                let site = SiteKey(function: frame?.function ?? "??", file: frame?.file ?? "")
                let place = frame.map { f in f.line.map { "\(site.description):\($0)" } ?? site.description } ?? "??"
                findings.append(Finding(
                    kind: .leakLimitExceeded,
                    message: "limit_leaks: \(BytesText.format(worst.bytesAtEnd)) leaked from \(place) (limit \(BytesText.format(limit)) per location; \(leaking.count) location(s) over)",
                    site: site, bytes: worst.bytesAtEnd))
            }
        }
        return findings
    }
}
