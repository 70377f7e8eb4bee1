extension Gate {
    /// Findings from comparing a measurement with its baseline: peak regression, then grown
    /// and new sites in current top-site order, then the stale-baseline notice.
    static func baselineFindings(_ profile: Profile, baseline: Baseline, tolerance: Tolerance) -> [Finding] {
        var findings: [Finding] = []
        let peakDelta = profile.peakBytes - baseline.peakBytes
        let peakMoved = tolerance.isBeyond(deltaBytes: peakDelta, from: baseline.peakBytes)
        if peakMoved, peakDelta > 0 {
            findings.append(
                Finding(
                    kind: .peakRegression,
                    message: "peak grew \(change(from: baseline.peakBytes, to: profile.peakBytes)) "
                        + "beyond tolerance \(BytesText.percent(tolerance.growthFraction)) "
                        + "and noise floor \(BytesText.format(tolerance.noiseFloorBytes))",
                    bytes: peakDelta))
        }
        for site in profile.topSites(limit: tolerance.topSites) {
            if let finding = siteFinding(site, baseline: baseline, tolerance: tolerance) {
                findings.append(finding)
            }
        }
        if peakMoved, peakDelta < 0 {
            findings.append(
                Finding(
                    kind: .staleBaseline,
                    message: "baseline is stale (peak \(BytesText.format(profile.peakBytes)), "
                        + "baseline \(BytesText.format(baseline.peakBytes))); run `memgate run --update-baselines`",
                    bytes: peakDelta))
        }
        return findings
    }

    /// A grown baselined site, or a site new to the baseline above the noise floor; else nil.
    static func siteFinding(_ site: Site, baseline: Baseline, tolerance: Tolerance) -> Finding? {
        guard let recorded = baseline.sites[site.key.description] else {
            guard site.bytesAtPeak > tolerance.noiseFloorBytes else { return nil }
            return Finding(
                kind: .siteNew,
                message: "new site \(site.displayName) holds \(BytesText.format(site.bytesAtPeak)) at peak "
                    + "(not in baseline)",
                site: site.key, bytes: site.bytesAtPeak)
        }
        let delta = site.bytesAtPeak - recorded.bytesAtPeak
        guard delta > 0, tolerance.isBeyond(deltaBytes: delta, from: recorded.bytesAtPeak) else { return nil }
        return Finding(
            kind: .siteGrown,
            message: "site \(site.displayName) grew \(change(from: recorded.bytesAtPeak, to: site.bytesAtPeak))",
            site: site.key, bytes: delta)
    }

    /// `1.0 MiB → 2.0 MiB (+1.0 MiB, +100%)`; the percentage is left out when the base is 0.
    static func change(from oldBytes: Int64, to newBytes: Int64) -> String {
        let delta = newBytes - oldBytes
        let arrow = "\(BytesText.format(oldBytes)) → \(BytesText.format(newBytes))"
        guard oldBytes > 0 else { return "\(arrow) (\(BytesText.signed(delta)))" }
        let percent = BytesText.signedWholePercent(Double(delta) / Double(oldBytes))
        return "\(arrow) (\(BytesText.signed(delta)), \(percent))"
    }
}
