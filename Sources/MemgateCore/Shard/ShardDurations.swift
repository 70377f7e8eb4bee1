/// The wall time a baseline records for shard balancing.
///
/// Durations jitter from run to run, and a baseline must not change when its figures do not,
/// so a recorded duration is kept until a new measurement differs from it by more than a
/// factor of two and by more than a second; it is stored in milliseconds.
public enum ShardDurations {
    /// The duration to write into a fresh baseline, in seconds.
    /// - Parameters:
    ///   - previous: what the current baseline records, if anything.
    ///   - measuredSeconds: the case's wall time in this run.
    public static func toRecord(previous: Double?, measuredSeconds: Double) -> Double? {
        guard measuredSeconds.isFinite, measuredSeconds >= 0 else { return previous }
        let measured = (measuredSeconds * 1000).rounded() / 1000
        guard let previous else { return measured }
        let ratio = max(measured, 0.001) / max(previous, 0.001)
        let moved = (ratio > 2 || ratio < 0.5) && abs(measured - previous) > 1
        return moved ? measured : previous
    }

    /// A baseline's recorded duration as a planner weight, in milliseconds.
    public static func milliseconds(_ seconds: Double?) -> Int64? {
        guard let seconds, seconds.isFinite, seconds >= 0 else { return nil }
        return Int64((seconds * 1000).rounded())
    }
}
