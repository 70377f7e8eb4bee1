/// Choosing the run to gate on when a target is measured more than once (`repeat: N`).
public enum Repeats {
    /// The index (in run order) of the median run by peak; the lower median for an even count.
    ///
    /// Why the median run rather than the minimum, the mean or the maximum:
    /// - it is robust to one outlier run (a cold cache, a GC that ran late), in either direction,
    ///   where the maximum would flake and the minimum would hide a real regression;
    /// - it is a *real* run, unlike a mean, so its top sites are the sites of that same peak and
    ///   site comparisons stay consistent with the peak comparison;
    /// - the lower median for an even count keeps that property (averaging the two middle runs
    ///   would again invent a run) and errs on the side that does not fail on noise.
    /// Ties in peak go to the earlier run, so the choice is deterministic.
    ///
    /// - Parameter peaks: peak bytes of each run, in run order; must not be empty.
    public static func medianIndex(peaks: [Int64]) -> Int {
        precondition(!peaks.isEmpty, "medianIndex needs at least one run")
        let order = peaks.indices.sorted { (peaks[$0], $0) < (peaks[$1], $1) }
        return order[(peaks.count - 1) / 2]
    }
}
