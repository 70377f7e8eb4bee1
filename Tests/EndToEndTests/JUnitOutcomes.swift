import Foundation
import FoundationXML

/// Each testcase's outcome in a JUnit file, keyed by `classname::name`, read the same way for
/// pytest's own file and memgate's, so the two can be compared test by test.
struct JUnitOutcomes: Equatable {
    /// What a testcase came to, as pytest's JUnit expresses it.
    enum Outcome: Equatable, CustomStringConvertible {
        case passed
        case failed
        case error
        /// With the `<skipped message>`: the skip or xfail reason.
        case skipped(reason: String)

        var description: String {
            switch self {
            case .passed: return "passed"
            case .failed: return "failed"
            case .error: return "error"
            case .skipped(let reason): return "skipped (\(reason))"
            }
        }
    }

    var byTest: [String: Outcome]

    /// Reads `url`; an `<error>` wins over a `<failure>`, as pytest counts it.
    init(at url: URL) throws {
        byTest = [:]
        for node in try XMLDocument(contentsOf: url).nodes(forXPath: "//testcase") {
            guard let testcase = node as? XMLElement else { continue }
            let className = testcase.attribute(forName: "classname")?.stringValue ?? ""
            let name = testcase.attribute(forName: "name")?.stringValue ?? ""
            let children = (testcase.children ?? []).compactMap { $0 as? XMLElement }
            let names = Set(children.compactMap(\.name))
            let outcome: Outcome
            if names.contains("error") {
                outcome = .error
            } else if names.contains("failure") {
                outcome = .failed
            } else if let skipped = children.first(where: { $0.name == "skipped" }) {
                outcome = .skipped(reason: skipped.attribute(forName: "message")?.stringValue ?? "")
            } else {
                outcome = .passed
            }
            byTest["\(className)::\(name)"] = outcome
        }
    }

    /// How many tests came to each outcome ("passed", "failed", "error", "skipped").
    var counts: [String: Int] {
        byTest.values.reduce(into: [:]) { counts, outcome in
            let key: String
            if case .skipped = outcome { key = "skipped" } else { key = outcome.description }
            counts[key, default: 0] += 1
        }
    }
}
