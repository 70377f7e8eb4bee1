/// One reason in a verdict: a failure, or a notice that does not fail the gate.
public struct Finding: Hashable, Codable, Sendable {
    /// What kind of rule produced the finding.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// Peak exceeded the `limit` budget.
        case limitExceeded
        /// Bytes live at the end exceeded `limit-leaks` (or a pytest `limit_leaks` marker).
        case leakLimitExceeded
        /// Allocation count exceeded `max-allocations`.
        case allocationLimitExceeded
        /// Peak resident memory (RSS) of the process tree exceeded `limit-rss`, or could not be
        /// measured for a case that has `limit-rss`.
        case residentLimitExceeded
        /// Peak resident memory grew beyond `rss-tolerance` and the noise floor against the baseline.
        case residentRegression
        /// The kernel's OOM killer ended the target.
        case targetOutOfMemory
        /// Peak grew beyond tolerance and noise floor against the baseline.
        case peakRegression
        /// A baselined top site grew beyond tolerance and noise floor.
        case siteGrown
        /// A site absent from the baseline entered the top N above the noise floor.
        case siteNew
        /// The target process crashed (signal).
        case targetCrashed
        /// The target ran past its timeout and was killed.
        case targetTimedOut
        /// The target exited with a non-zero status.
        case targetExitedNonZero
        /// memgate itself could not run the target (a command not found, an unreadable capture):
        /// not the target's failure.
        case launchFailed
        /// Nothing was measured although the target ended normally (no capture was written).
        case noMeasurement
        /// The tracker did not see the case to its end (an exec it could not follow, a capture
        /// that could not grow, a capture never finalized although the target exited normally).
        case notMeasured
        /// A pytest test failed its assertions (correctness, not memory).
        case testFailed
        /// A pytest test's setup (a fixture) or teardown raised: an error, not a failure.
        case testError
        /// A pytest-memray marker memgate cannot honour: an unknown or ill-typed argument, a
        /// size that does not parse, or two memray markers on one test.
        case markerInvalid
        /// With `--ratchet` (`ratchet: true`): the peak shrank beyond tolerance and noise floor, so
        /// the baseline must be refreshed in the same change to lock the improvement in.
        case ratchetStale
        /// Notice: the peak shrank beyond tolerance; the baseline should be refreshed.
        case staleBaseline
        /// Notice: no baseline exists for this case yet.
        case missingBaseline
        /// Notice: the baseline was recorded on a different environment.
        case environmentMismatch
        /// Notice: the baseline was (re)written by `--update-baselines`.
        case baselineUpdated
        /// Notice: the tracker hit a capacity limit; figures are exact, attribution coarser.
        case captureLimit
        /// Notice: why a skipped case was skipped (pytest's skip or xfail reason).
        case testSkipped
    }

    public var kind: Kind
    /// One line for people, e.g. "peak 120.5 MiB exceeds limit 100.0 KiB".
    public var message: String
    /// The site concerned, for site findings.
    public var site: SiteKey?
    /// Bytes involved (delta or excess), when meaningful.
    public var bytes: Int64?

    enum CodingKeys: String, CodingKey {
        case kind, message, site, bytes
    }

    public init(kind: Kind, message: String, site: SiteKey? = nil, bytes: Int64? = nil) {
        self.kind = kind
        self.message = message
        self.site = site
        self.bytes = bytes
    }

    /// Whether this finding fails the case (notices do not).
    public var isFailure: Bool {
        switch kind {
        case .staleBaseline, .missingBaseline, .environmentMismatch, .baselineUpdated, .captureLimit, .testSkipped:
            return false
        default: return true
        }
    }
}
