extension Gate {
    /// `limit-rss` and the resident-memory baseline, in that order. A case held to `limit-rss`
    /// whose resident memory could not be read fails: it is never passed unchecked.
    static func residentFindings(
        residentPeakBytes: Int64?, budget: Budget, tolerance: Tolerance, baseline: Baseline?
    ) -> [Finding] {
        guard let resident = residentPeakBytes else {
            guard budget.limitResidentBytes != nil else { return [] }
            return [
                Finding(
                    kind: .residentLimitExceeded,
                    message: "limit-rss is set but the resident memory of the process tree could not be read")
            ]
        }
        var findings: [Finding] = []
        if let limit = budget.limitResidentBytes, resident > limit {
            findings.append(
                Finding(
                    kind: .residentLimitExceeded,
                    message: "peak RSS \(BytesText.format(resident)) exceeds limit-rss \(BytesText.format(limit))",
                    bytes: resident - limit))
        }
        if let recorded = baseline?.residentPeakBytes {
            let delta = resident - recorded
            if delta > 0, residentTolerance(tolerance).isBeyond(deltaBytes: delta, from: recorded) {
                findings.append(
                    Finding(
                        kind: .residentRegression,
                        message: "peak RSS grew \(change(from: recorded, to: resident)) beyond rss-tolerance "
                            + "\(BytesText.percent(tolerance.residentGrowthFraction)) and noise floor "
                            + BytesText.format(tolerance.noiseFloorBytes),
                        bytes: delta))
            }
        }
        return findings
    }

    /// The tolerance resident memory is compared with: `rss-tolerance` and the noise floor.
    static func residentTolerance(_ tolerance: Tolerance) -> Tolerance {
        Tolerance(
            growthFraction: tolerance.residentGrowthFraction, noiseFloorBytes: tolerance.noiseFloorBytes,
            topSites: tolerance.topSites)
    }

    /// The crash finding of a target the OOM killer ended, said as such with its resident peak.
    static func outOfMemory(_ finding: Finding, residentPeakBytes: Int64?, peakBytes: Int64?) -> Finding {
        guard finding.kind == .targetCrashed else { return finding }
        let resident = residentPeakBytes.map { " at \(BytesText.format($0)) RSS" } ?? ""
        let requested = peakBytes.map { "requested-bytes peak so far \(BytesText.format($0))" } ?? "no measurement"
        return Finding(
            kind: .targetOutOfMemory,
            message: "killed: out of memory\(resident) (SIGKILL from the OOM killer); \(requested)")
    }

    /// A fresh baseline's resident peak: the previous figure while the new one is within
    /// `rss-tolerance` and the noise floor of it, so RSS jitter does not rewrite baselines.
    static func residentToRecord(previous: Int64?, measured: Int64?, tolerance: Tolerance) -> Int64? {
        guard let measured else { return nil }
        guard let previous, !residentTolerance(tolerance).isBeyond(deltaBytes: measured - previous, from: previous)
        else { return measured }
        return previous
    }
}
