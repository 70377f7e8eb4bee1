/// pytest-memray's marker semantics, applied to a memgate profile of one test's call.
///
/// - `limit_memory(limit)`: fails when the memory allocated during the test and live at its
///   high-water mark is **≥** limit (pytest-memray compares with `>=`, unlike memgate's
///   `limit`, which fails only above the budget).
/// - `limit_leaks(location_limit)`: fails when any one allocation location (a unique stack)
///   still holds ≥ location_limit at the end of the test.
/// - `limit_leaked_objects(filter_fn=…)`: fails when a Python object the test created survives it
///   (counted by the plugin in the test process, see `memgate_objects.py`).
/// - `limit_leaks(location_limit, filter_fn=…)`: the filter is Python, so the plugin applies it in the
///   test process and reports the bytes of the largest location it kept; the test fails when
///   those are ≥ size. A filter_fn that raised fails the test as `testFailed` (the plugin
///   counts the location it was judging as kept, so a broken filter never hides a leak).
public enum PytestMarkerRules {
    /// The marker findings for one test.
    ///
    /// - Parameters:
    ///   - limitMemoryBytes: `limit_memory`'s limit, nil without the marker (or when the test's
    ///     markers are invalid, which the runner reports as `markerInvalid`).
    ///   - limitLeaksBytes: `limit_leaks`'s location_limit, nil without the marker.
    ///   - filteredLeakMaxBytes: the plugin's `leak_filter_max_bytes`: with a filter_fn, the
    ///     bytes of the largest kept location, used instead of the profile's largest location.
    ///   - leakFilterError: the plugin's `leak_filter_error`, the error a filter_fn raised.
    public static func findings(
        profile: Profile, limitMemoryBytes: Int64?, limitLeaksBytes: Int64?,
        filteredLeakMaxBytes: Int64? = nil, leakFilterError: String? = nil
    ) -> [Finding] {
        var findings: [Finding] = []
        if let limit = limitMemoryBytes, profile.peakBytes >= limit {
            findings.append(
                Finding(
                    kind: .limitExceeded,
                    message:
                        "limit_memory: peak \(BytesText.format(profile.peakBytes)) is not below the limit \(BytesText.format(limit))",
                    bytes: profile.peakBytes - limit))
        }
        if let limit = limitLeaksBytes {
            if let filteredMax = filteredLeakMaxBytes {
                findings += filteredLeakFindings(profile: profile, limit: limit, filteredMax: filteredMax)
            } else {
                findings += leakFindings(profile: profile, limit: limit)
            }
        }
        if let error = leakFilterError {
            findings.append(Finding(kind: .testFailed, message: "limit_leaks filter_fn raised: \(error)"))
        }
        return findings
    }

    /// The findings of `limit_leaked_objects`, from the plugin's count of surviving objects.
    ///
    /// - Parameters:
    ///   - count: objects the test created that survived it and its filter_fn; nil when the test
    ///     raised (its outcome already fails it) or was not counted.
    ///   - summary: those objects by type, for the message.
    ///   - filterError: why the count cannot be trusted (the filter_fn raised, or the test is not a
    ///     plain function), which fails the test.
    public static func leakedObjectFindings(count: Int?, summary: String?, filterError: String?) -> [Finding] {
        var findings: [Finding] = []
        if let count, count > 0 {
            findings.append(
                Finding(
                    kind: .leakLimitExceeded,
                    message:
                        "limit_leaked_objects: \(count) Python object\(count == 1 ? "" : "s") created by the test survived it"
                        + (summary.map { " (\($0))" } ?? "")))
        }
        if let filterError {
            findings.append(Finding(kind: .testFailed, message: "limit_leaked_objects: \(filterError)"))
        }
        return findings
    }

    private static func leakFindings(profile: Profile, limit: Int64) -> [Finding] {
        let leaking = profile.stacks.filter { $0.bytesAtEnd >= limit }.sorted { $0.bytesAtEnd > $1.bytesAtEnd }
        guard let worst = leaking.first else { return [] }
        let (site, place) = location(of: worst)
        return [
            Finding(
                kind: .leakLimitExceeded,
                message:
                    "limit_leaks: \(BytesText.format(worst.bytesAtEnd)) leaked from \(place) (limit \(BytesText.format(limit)) per location; \(leaking.count) location(s) over)",
                site: site, bytes: worst.bytesAtEnd)
        ]
    }

    private static func filteredLeakFindings(profile: Profile, limit: Int64, filteredMax: Int64) -> [Finding] {
        guard filteredMax >= limit else { return [] }
        // The plugin reports bytes only; the location is named when exactly one stack holds
        // that many bytes, which makes it the one the filter kept.
        let candidates = profile.stacks.filter { $0.bytesAtEnd == filteredMax }
        let named = candidates.count == 1 ? candidates.first.map(location(of:)) : nil
        return [
            Finding(
                kind: .leakLimitExceeded,
                message:
                    "limit_leaks: \(BytesText.format(filteredMax)) leaked from \(named?.place ?? "one location") after filter_fn (limit \(BytesText.format(limit)) per location)",
                site: named?.site, bytes: filteredMax)
        ]
    }

    /// The site of a stack's allocating frame, and `function @ file:line` for messages.
    private static func location(of stack: StackRecord) -> (site: SiteKey, place: String) {
        let frame = Frame.allocatingFrame(in: stack.frames)
        let site = frame.map(SiteKey.init(frame:)) ?? SiteKey(function: "??", file: "")
        let place = frame.map { f in f.line.map { "\(site.description):\($0)" } ?? site.description } ?? "??"
        return (site, place)
    }
}
