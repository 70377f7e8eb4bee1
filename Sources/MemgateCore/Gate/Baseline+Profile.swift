extension Baseline {
    /// Records a measurement as a baseline, as `--update-baselines` does.
    ///
    /// - Parameters:
    ///   - profile: the measurement (the median run when repeated).
    ///   - topSites: how many sites to record (`top-sites`); sites with nothing live at the
    ///     peak are left out, as they can never regress against the peak.
    ///   - environment: the fingerprint of the run, warned about when a later run differs.
    ///   - name: the case name (target name or pytest node id).
    public init(profile: Profile, topSites: Int, environment: EnvironmentFingerprint, name: String) {
        var sites: [String: SiteFigures] = [:]
        for site in profile.topSites(limit: topSites) where site.bytesAtPeak > 0 {
            let key = site.key.description
            // Distinct keys can share a description ("a @ b" with no file vs "a" in "b");
            // merging them keeps the figures rather than dropping one.
            if var existing = sites[key] {
                existing.bytesAtPeak += site.bytesAtPeak
                existing.allocationsAtPeak += site.allocationsAtPeak
                sites[key] = existing
            } else {
                sites[key] = SiteFigures(
                    bytesAtPeak: site.bytesAtPeak, allocationsAtPeak: site.allocationsAtPeak, line: site.line)
            }
        }
        self.init(
            name: name, peakBytes: profile.peakBytes, totalBytes: profile.totalBytes,
            allocationCount: profile.allocationCount, bytesAtEnd: profile.bytesAtEnd, sites: sites,
            environment: environment)
    }
}
