internal import CLibXML2
import Foundation
import MemgateCore

/// Renders suites as JUnit XML, the format CI servers (GitLab, Jenkins, GitHub test
/// reporters) read. The structure is the one `Tests/MemgateReportsTests/Resources/junit.xsd`
/// describes, and it is valid against Jenkins' `junit-10.xsd` too:
///
/// ```xml
/// <testsuites [name] tests failures errors time>
///   <testsuite name="<target>" tests failures errors skipped time>
///     <testcase classname name time>
///       <failure message type>findings and top sites</failure> | <error …> | <skipped [message]/>
///       <system-out>figures, top sites, notices and output tail</system-out>
/// ```
///
/// One `<testsuite>` per target, named after it (`<suite>/<target>` when several suites are
/// rendered together, so names stay unique); `classname` and
/// `name` follow pytest's convention (`JUnitCaseName`). Figures are text in `<system-out>`:
/// per-testcase `<properties>` are not part of junit-10.xsd.
///
/// Built with libxml2, which escapes markup; characters XML 1.0 cannot carry at all are
/// replaced by `\u{..}` escapes first, so the document is well-formed for any input.
public enum JUnitReport {
    /// Renders `suites` as one `<testsuites>` document.
    ///
    /// Times are seconds with millisecond precision (a suite's is the sum of its cases'). A
    /// case is an `<error>` when a pytest test's setup or teardown failed
    /// (`CaseResult.isError`); every other failed case, crashes and timeouts included, is a
    /// `<failure>` of the gate with the finding kind as `type`.
    /// - Throws: `XMLReportError.serializationFailed` when libxml2 cannot allocate.
    public static func render(_ suites: [SuiteResult]) throws -> Data {
        let tree = try LibXMLTree()
        let root = try tree.makeRoot("testsuites")
        if suites.count == 1, let name = suites.first?.name {
            try tree.setAttribute("name", name, on: root)
        }
        // One suite's cases as they are (flattening copies each case).
        let cases = suites.count == 1 ? suites[0].cases : suites.flatMap(\.cases)
        try setCounts(
            on: root, in: tree, cases: cases, seconds: suites.reduce(0) { $0 + $1.durationSeconds },
            withSkipped: false)
        for suite in suites {
            for (target, targetCases) in groupedByTarget(suite.cases) {
                let suiteNode = try tree.addChild("testsuite", to: root)
                try tree.setAttribute("name", suites.count == 1 ? target : "\(suite.name)/\(target)", on: suiteNode)
                let seconds = targetCases.indices.reduce(0) {
                    $0 + (targetCases[$1].durationSeconds.isFinite ? max(0, targetCases[$1].durationSeconds) : 0)
                }
                try setCounts(on: suiteNode, in: tree, cases: targetCases, seconds: seconds, withSkipped: true)
                for result in targetCases {
                    try addCase(result, to: suiteNode, in: tree)
                }
            }
        }
        return try tree.serialized()
    }

    /// Cases by target, targets in order of first appearance.
    static func groupedByTarget(_ cases: [CaseResult]) -> [(target: String, cases: [CaseResult])] {
        var order: [String] = []
        var byTarget: [String: [CaseResult]] = [:]
        for result in cases {
            if byTarget[result.target] == nil { order.append(result.target) }
            byTarget[result.target, default: []].append(result)
        }
        return order.map { ($0, byTarget[$0] ?? []) }
    }

    /// `failures` counts failed cases that are not errors. junit-10.xsd has no `skipped` on
    /// `<testsuites>`, so only suites carry it.
    private static func setCounts(
        on node: xmlNodePtr, in tree: LibXMLTree, cases: [CaseResult], seconds: Double, withSkipped: Bool
    ) throws {
        // Counted by index, each case read in place (iterating the cases copied each one).
        let errors = cases.indices.reduce(0) { cases[$1].isError ? $0 + 1 : $0 }
        let failed = cases.indices.reduce(0) { cases[$1].status == .failed ? $0 + 1 : $0 }
        try tree.setAttribute("tests", String(cases.count), on: node)
        try tree.setAttribute("failures", String(failed - errors), on: node)
        try tree.setAttribute("errors", String(errors), on: node)
        if withSkipped {
            let skipped = cases.indices.reduce(0) { cases[$1].status == .skipped ? $0 + 1 : $0 }
            try tree.setAttribute("skipped", String(skipped), on: node)
        }
        try tree.setAttribute("time", ReportFigures.seconds(seconds, decimals: 3), on: node)
    }

    private static func addCase(_ result: CaseResult, to suiteNode: xmlNodePtr, in tree: LibXMLTree) throws {
        let node = try tree.addChild("testcase", to: suiteNode)
        let naming = JUnitCaseName(result)
        try tree.setAttribute("classname", naming.className, on: node)
        try tree.setAttribute("name", naming.name, on: node)
        try tree.setAttribute("time", ReportFigures.seconds(result.durationSeconds, decimals: 3), on: node)

        switch result.status {
        case .passed:
            break
        case .failed:
            let problem = try tree.addChild(
                result.isError ? "error" : "failure", to: node, text: JUnitText.failureBody(of: result))
            try tree.setAttribute("message", result.failureHeadline, on: problem)
            try tree.setAttribute("type", result.failures.first?.kind.rawValue ?? "failed", on: problem)
        case .skipped:
            let skipped = try tree.addChild("skipped", to: node)
            if let reason = result.findings.first?.message {
                try tree.setAttribute("message", TextSanitizer.firstLine(reason), on: skipped)
            }
        }

        let output = JUnitText.systemOut(of: result)
        if !output.isEmpty {
            try tree.addChild("system-out", to: node, text: output)
        }
    }
}
