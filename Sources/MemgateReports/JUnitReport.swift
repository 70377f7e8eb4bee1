internal import CLibXML2
import Foundation
import MemgateCore

/// Renders suites as JUnit XML, the format CI servers (GitLab, Jenkins, GitHub test
/// reporters) read. The structure is the one `Tests/MemgateReportsTests/Resources/junit.xsd`
/// describes:
///
/// ```xml
/// <testsuites tests failures errors skipped time>
///   <testsuite name tests failures errors skipped time>
///     <testcase classname="memgate.<suite>" name time>
///       <properties><property name value/>…</properties>
///       <failure message type>findings and top sites</failure> | <skipped/>
///       <system-out>notices and output tail</system-out>
/// ```
///
/// Built with libxml2, which escapes markup; characters XML 1.0 cannot carry at all are
/// replaced by `\u{..}` escapes first, so the document is well-formed for any input.
public enum JUnitReport {
    /// Renders `suites` as one `<testsuites>` document.
    ///
    /// Times are seconds with millisecond precision. `errors` is always 0: memgate reports
    /// crashes and timeouts as failures of the gate, with the finding kind as `type`.
    /// - Throws: `XMLReportError.serializationFailed` when libxml2 cannot allocate.
    public static func render(_ suites: [SuiteResult]) throws -> Data {
        let tree = try LibXMLTree()
        let root = try tree.makeRoot("testsuites")
        try setCounts(
            on: root, in: tree, tests: suites.reduce(0) { $0 + $1.cases.count },
            failures: suites.reduce(0) { $0 + $1.failedCount }, skipped: suites.reduce(0) { $0 + $1.skippedCount },
            seconds: suites.reduce(0) { $0 + $1.durationSeconds }
        )
        for suite in suites {
            let suiteNode = try tree.addChild("testsuite", to: root)
            try tree.setAttribute("name", suite.name, on: suiteNode)
            try setCounts(
                on: suiteNode, in: tree, tests: suite.cases.count, failures: suite.failedCount,
                skipped: suite.skippedCount, seconds: suite.durationSeconds
            )
            for result in suite.cases {
                try addCase(result, suiteName: suite.name, to: suiteNode, in: tree)
            }
        }
        return try tree.serialized()
    }

    private static func setCounts(
        on node: xmlNodePtr, in tree: LibXMLTree, tests: Int, failures: Int, skipped: Int, seconds: Double
    ) throws {
        try tree.setAttribute("tests", String(tests), on: node)
        try tree.setAttribute("failures", String(failures), on: node)
        try tree.setAttribute("errors", "0", on: node)
        try tree.setAttribute("skipped", String(skipped), on: node)
        try tree.setAttribute("time", ReportFigures.seconds(seconds, decimals: 3), on: node)
    }

    private static func addCase(
        _ result: CaseResult, suiteName: String, to suiteNode: xmlNodePtr, in tree: LibXMLTree
    ) throws {
        let node = try tree.addChild("testcase", to: suiteNode)
        try tree.setAttribute("classname", "memgate.\(suiteName)", on: node)
        try tree.setAttribute("name", result.name, on: node)
        try tree.setAttribute("time", ReportFigures.seconds(result.durationSeconds, decimals: 3), on: node)

        let properties = properties(of: result)
        if !properties.isEmpty {
            let propertiesNode = try tree.addChild("properties", to: node)
            for (name, value) in properties {
                let property = try tree.addChild("property", to: propertiesNode)
                try tree.setAttribute("name", name, on: property)
                try tree.setAttribute("value", value, on: property)
            }
        }

        switch result.status {
        case .passed:
            break
        case .failed:
            let failure = try tree.addChild("failure", to: node, text: failureBody(of: result))
            try tree.setAttribute("message", result.failureHeadline, on: failure)
            try tree.setAttribute("type", result.failures.first?.kind.rawValue ?? "failed", on: failure)
        case .skipped:
            let skipped = try tree.addChild("skipped", to: node)
            if let reason = result.findings.first?.message {
                try tree.setAttribute("message", TextSanitizer.firstLine(reason), on: skipped)
            }
        }

        let output = systemOut(of: result)
        if !output.isEmpty {
            try tree.addChild("system-out", to: node, text: output)
        }
    }

    /// The figures of a case, in a fixed order; absent figures are left out.
    static func properties(of result: CaseResult) -> [(name: String, value: String)] {
        var properties: [(name: String, value: String)] = []
        if let profile = result.profile {
            properties.append(("peak_bytes", String(profile.peakBytes)))
            properties.append(("total_bytes", String(profile.totalBytes)))
            properties.append(("allocations", String(profile.allocationCount)))
            properties.append(("bytes_at_end", String(profile.bytesAtEnd)))
        }
        if let baseline = result.baseline {
            properties.append(("baseline_peak_bytes", String(baseline.peakBytes)))
        }
        if let limit = result.budget.limitBytes {
            properties.append(("limit_bytes", String(limit)))
        }
        if let path = result.flamegraphPath {
            properties.append(("flamegraph", path))
        }
        return properties
    }

    /// Every failure finding, then the top sites at the peak.
    static func failureBody(of result: CaseResult) -> String {
        var lines = result.failures.map { "\($0.kind.rawValue): \($0.message)" }
        if lines.isEmpty { lines.append("failed") }
        let sites = result.topSiteLines()
        if !sites.isEmpty {
            lines.append("")
            lines.append("Top sites at peak:")
            lines.append(contentsOf: sites)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Notices (findings that do not fail), then the target's output tail.
    static func systemOut(of result: CaseResult) -> String {
        var sections: [String] = []
        let notices = result.findings.filter { !$0.isFailure }
        if !notices.isEmpty {
            sections.append(notices.map { "notice: \($0.kind.rawValue): \($0.message)" }.joined(separator: "\n"))
        }
        if !result.outputTail.isEmpty {
            sections.append("Output tail:\n" + result.outputTail)
        }
        let text = sections.joined(separator: "\n\n")
        return text.isEmpty || text.last?.isNewline == true ? text : text + "\n"
    }
}
