/// One pytest test as the memgate plugin reported it (one JSON object per line).
public struct PytestOutcome: Codable, Sendable, Hashable {
    public var nodeID: String
    /// "passed", "failed" or "skipped" — the test's own verdict, before memory rules.
    public var outcome: String
    /// The phase the reported outcome comes from: "setup", "call" or "teardown" ("???" for a
    /// crashed xdist worker). A failure outside "call" is an error of the test, as in pytest.
    public var phase: String?
    public var durationSeconds: Double
    /// Short failure text from pytest, or a skipped or xfailed test's reason (untrusted).
    public var longRepresentation: String?
    /// `@pytest.mark.limit_memory(limit)` as written, e.g. "100 KB".
    public var limitMemory: String?
    /// `@pytest.mark.limit_leaks(location_limit)` as written.
    public var limitLeaks: String?
    /// Marker arguments memgate cannot honour, and two memray markers on one test, one line
    /// each naming the marker and argument (untrusted); their settings were not applied.
    public var markerProblems: [String]?
    /// With a limit_leaks `filter_fn`: the bytes still held by the largest leaking location the
    /// filter kept (0 when it kept none), as the plugin measured from the test's capture.
    /// Nil without a filter_fn, or when the plugin could not read the capture.
    public var leakFilterMaxBytes: Int64?
    /// The error a limit_leaks `filter_fn` raised ("TypeError: …"; untrusted), if it did.
    public var leakFilterError: String?
    /// Whether the test carries `limit_leaked_objects`.
    public var limitLeakedObjects: Bool?
    /// With limit_leaked_objects: how many Python objects the test created survived it (after
    /// `gc.collect()`, kept by its filter_fn); nil when the test raised or was not counted.
    public var leakedObjects: Int?
    /// Those objects by type, e.g. "2 list, 1 Widget" (untrusted).
    public var leakedObjectsSummary: String?
    /// Why limit_leaked_objects could not be enforced as asked (its `filter_fn` raised, or the
    /// test is not a plain function; untrusted), if so.
    public var leakedObjectsError: String?

    enum CodingKeys: String, CodingKey {
        case nodeID = "nodeid"
        case outcome
        case phase = "when"
        case durationSeconds = "duration"
        case longRepresentation = "longrepr"
        case limitMemory = "limit_memory"
        case limitLeaks = "limit_leaks"
        case markerProblems = "marker_problems"
        case leakFilterMaxBytes = "leak_filter_max_bytes"
        case leakFilterError = "leak_filter_error"
        case limitLeakedObjects = "limit_leaked_objects"
        case leakedObjects = "leaked_objects"
        case leakedObjectsSummary = "leaked_objects_summary"
        case leakedObjectsError = "leaked_objects_error"
    }

    public init(
        nodeID: String, outcome: String, phase: String? = nil, durationSeconds: Double = 0,
        longRepresentation: String? = nil, limitMemory: String? = nil, limitLeaks: String? = nil,
        markerProblems: [String]? = nil, leakFilterMaxBytes: Int64? = nil, leakFilterError: String? = nil
    ) {
        self.nodeID = nodeID
        self.outcome = outcome
        self.phase = phase
        self.durationSeconds = durationSeconds
        self.longRepresentation = longRepresentation
        self.limitMemory = limitMemory
        self.limitLeaks = limitLeaks
        self.markerProblems = markerProblems
        self.leakFilterMaxBytes = leakFilterMaxBytes
        self.leakFilterError = leakFilterError
    }
}
