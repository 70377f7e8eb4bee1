/// A test's pytest-memray marker sizes, parsed once. A marker memgate cannot honour (the
/// plugin's `marker_problems`, or a size that does not parse) is a `markerInvalid` finding
/// naming the test and the argument, and none of the test's marker sizes is applied.
public struct MarkerLimits: Sendable, Hashable {
    public var limitMemoryBytes: Int64?
    public var limitLeaksBytes: Int64?
    public var errors: [Finding] = []

    public init(_ test: PytestOutcome) {
        for problem in test.markerProblems ?? [] {
            errors.append(Self.invalid(test, firstLine(problem)))
        }
        limitMemoryBytes = parse(test, "limit_memory", "limit", test.limitMemory)
        limitLeaksBytes = parse(test, "limit_leaks", "location_limit", test.limitLeaks)
        if !errors.isEmpty {
            limitMemoryBytes = nil
            limitLeaksBytes = nil
        }
    }

    /// `budget` with the marker sizes in place of its limits, as reports show them.
    public func applied(to budget: Budget) -> Budget {
        var budget = budget
        if let limitMemoryBytes { budget.limitBytes = limitMemoryBytes }
        if let limitLeaksBytes { budget.leakLimitBytes = limitLeaksBytes }
        return budget
    }

    private mutating func parse(_ test: PytestOutcome, _ marker: String, _ argument: String, _ text: String?)
        -> Int64?
    {
        guard let text else { return nil }
        do {
            return try ByteSize.parse(text)
        } catch {
            errors.append(Self.invalid(test, "\(marker)(\(argument)=\"\(text)\"): \(error)"))
            return nil
        }
    }

    private static func invalid(_ test: PytestOutcome, _ problem: String) -> Finding {
        Finding(kind: .markerInvalid, message: "invalid memray marker on \(test.nodeID): \(problem)")
    }
}

/// The first line of untrusted text, for one-line findings.
func firstLine(_ text: String) -> String {
    String(text.split(separator: "\n", omittingEmptySubsequences: true).first ?? "")
}
