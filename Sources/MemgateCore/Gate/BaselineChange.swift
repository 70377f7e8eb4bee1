/// One difference between a committed baseline and the one replacing it, for the
/// `--update-baselines` output and for review.
public struct BaselineChange: Hashable, Sendable, CustomStringConvertible {
    /// What changed.
    public enum Kind: Hashable, Sendable {
        /// There was no baseline before.
        case created(peakBytes: Int64, siteCount: Int)
        /// The peak moved.
        case peak(oldBytes: Int64, newBytes: Int64)
        /// A site entered the recorded top sites.
        case siteAdded(key: String, bytesAtPeak: Int64)
        /// A site left the recorded top sites.
        case siteRemoved(key: String, bytesAtPeak: Int64)
        /// A recorded site's bytes at the peak moved.
        case siteChanged(key: String, oldBytes: Int64, newBytes: Int64)
        /// The environment fingerprint changed.
        case environment(old: EnvironmentFingerprint, new: EnvironmentFingerprint)
    }

    public var kind: Kind

    public init(kind: Kind) {
        self.kind = kind
    }

    /// One line, e.g. `peak 1.0 MiB → 2.0 MiB (+100.0%)`.
    public var description: String {
        switch kind {
        case .created(let peakBytes, let siteCount):
            return "created (peak \(BytesText.format(peakBytes)), \(siteCount) site\(siteCount == 1 ? "" : "s"))"
        case .peak(let oldBytes, let newBytes):
            return "peak \(BaselineChange.arrow(oldBytes, newBytes))"
        case .siteAdded(let key, let bytes):
            return "new site \(key) \(BytesText.format(bytes))"
        case .siteRemoved(let key, let bytes):
            return "removed site \(key) (was \(BytesText.format(bytes)))"
        case .siteChanged(let key, let oldBytes, let newBytes):
            return "site \(key) \(BaselineChange.arrow(oldBytes, newBytes))"
        case .environment(let old, let new):
            return "environment \(Gate.describe(old)) → \(Gate.describe(new))"
        }
    }

    /// The changes from `old` to `new`: created, or the peak, then sites in key order, then
    /// the environment. Empty when nothing recorded changed.
    public static func changes(old: Baseline?, new: Baseline) -> [BaselineChange] {
        guard let old else {
            return [BaselineChange(kind: .created(peakBytes: new.peakBytes, siteCount: new.sites.count))]
        }
        var changes: [BaselineChange] = []
        if old.peakBytes != new.peakBytes {
            changes.append(BaselineChange(kind: .peak(oldBytes: old.peakBytes, newBytes: new.peakBytes)))
        }
        for key in Set(old.sites.keys).union(new.sites.keys).sorted() {
            switch (old.sites[key], new.sites[key]) {
            case (nil, let added?):
                changes.append(BaselineChange(kind: .siteAdded(key: key, bytesAtPeak: added.bytesAtPeak)))
            case (let removed?, nil):
                changes.append(BaselineChange(kind: .siteRemoved(key: key, bytesAtPeak: removed.bytesAtPeak)))
            case (let before?, let after?) where before.bytesAtPeak != after.bytesAtPeak:
                changes.append(
                    BaselineChange(
                        kind: .siteChanged(key: key, oldBytes: before.bytesAtPeak, newBytes: after.bytesAtPeak)))
            default:
                break
            }
        }
        if old.environment != new.environment {
            changes.append(BaselineChange(kind: .environment(old: old.environment, new: new.environment)))
        }
        return changes
    }

    /// `changes(old:new:)` as lines for people.
    public static func describeChanges(old: Baseline?, new: Baseline) -> [String] {
        changes(old: old, new: new).map(\.description)
    }

    /// `1.0 MiB → 2.0 MiB (+100.0%)`; the percentage is left out when the old figure is 0.
    static func arrow(_ oldBytes: Int64, _ newBytes: Int64) -> String {
        let text = "\(BytesText.format(oldBytes)) → \(BytesText.format(newBytes))"
        guard oldBytes > 0 else { return text }
        return "\(text) (\(BytesText.signedPercent(Double(newBytes - oldBytes) / Double(oldBytes))))"
    }
}
