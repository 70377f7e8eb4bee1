import Foundation
import MemgateCore

/// The run-level report formats memgate writes, one renderer each, all taking the same
/// immutable results (flamegraph paths already assigned), so no format depends on another's
/// being written first. A new format is a case here plus its renderer file.
public enum ReportFormat: CaseIterable, Sendable {
    /// `junit.xml`: `JUnitReport`.
    case junit
    /// `results.json`: `JSONResults` (docs/results-format.md).
    case json
    /// `summary.md`: `MarkdownSummary`.
    case markdown
    /// `index.html`: `HtmlIndex`, linking each case's flamegraph page (`HtmlFlamegraph`).
    case htmlIndex

    /// The file's name in the artifacts directory.
    public var artifactName: String {
        switch self {
        case .junit: return "junit.xml"
        case .json: return "results.json"
        case .markdown: return "summary.md"
        case .htmlIndex: return "index.html"
        }
    }

    /// The whole file for `suite`.
    public func render(_ suite: SuiteResult) throws -> Data {
        switch self {
        case .junit: return try JUnitReport.render([suite])
        case .json: return try JSONResults.render([suite])
        case .markdown: return Data(MarkdownSummary.render(suite).utf8)
        case .htmlIndex: return Data(HtmlIndex.render(suite: suite).utf8)
        }
    }

    /// Where a case's flamegraph page goes, relative to the artifacts directory: target names
    /// are already file-safe; pytest node ids get a safe name plus a hash.
    public static func flamegraphPath(of result: CaseResult) -> String {
        result.name == result.target
            ? "flamegraphs/\(result.target).html"
            : "flamegraphs/\(result.target)/\(BaselineFileName.safeFileName(forCase: result.name)).html"
    }

    /// `suite` with every measured case's `flamegraphPath` set, before any format renders it.
    public static func assigningFlamegraphPaths(_ suite: SuiteResult) -> SuiteResult {
        var assigned = suite
        for index in assigned.cases.indices where assigned.cases[index].profile != nil {
            assigned.cases[index].flamegraphPath = flamegraphPath(of: assigned.cases[index])
        }
        return assigned
    }
}
