extension Profile {
    /// Aggregates stacks by allocation site and returns the sites with most bytes at the peak.
    ///
    /// - Parameter limit: how many sites to return (all when nil).
    /// Ties are broken by total bytes, then by key, so the order is deterministic.
    public func topSites(limit: Int? = nil) -> [Site] {
        let ordered = siteMemo.sites(orderedSites)
        guard let limit else { return ordered }
        return Array(ordered.prefix(limit))
    }

    /// Every site, most bytes at the peak first.
    private func orderedSites() -> [Site] {
        var sites: [SiteKey: Site] = [:]
        var lineWeight: [SiteKey: Int64] = [:]
        var classifier = RuntimeFrameClassifier()
        // Wrapping sums: figures come from a file a crashed or hostile target may have damaged.
        for stack in stacks {
            let frame = Frame.allocatingFrame(in: stack.frames, classifier: &classifier)
            var key = frame.map(SiteKey.init(frame:)) ?? SiteKey(function: "??", file: "")
            let process = Frame.processFrame(in: stack.frames)
            key.process = process?.function
            var site = sites[key] ?? Site(key: key, line: frame?.line, bytesAtPeak: 0)
            if stack.bytesAtPeak > lineWeight[key, default: -1] {
                lineWeight[key] = stack.bytesAtPeak
                site.line = frame?.line
                site.pid = process?.pid
            }
            site.bytesAtPeak &+= stack.bytesAtPeak
            site.allocationsAtPeak &+= stack.allocationsAtPeak
            site.totalBytes &+= stack.totalBytes
            site.allocationCount &+= stack.allocationCount
            site.bytesAtEnd &+= stack.bytesAtEnd
            sites[key] = site
        }
        return sites.values.sorted {
            if $0.bytesAtPeak != $1.bytesAtPeak { return $0.bytesAtPeak > $1.bytesAtPeak }
            if $0.totalBytes != $1.totalBytes { return $0.totalBytes > $1.totalBytes }
            return $0.key < $1.key
        }
    }
}
