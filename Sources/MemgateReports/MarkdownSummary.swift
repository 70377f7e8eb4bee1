import Foundation
import MemgateCore

/// Renders a suite as GitHub-flavoured Markdown, for `$GITHUB_STEP_SUMMARY` or a merge-request
/// note: a heading with the counts, one table row per case, then each failure with its first
/// reason and top site.
///
/// Untrusted text (case names, messages, site names) is escaped: Markdown punctuation gets a
/// backslash, `&` becomes `&amp;`, line breaks become `<br>` and control characters a visible
/// `\u{..}`, so no name can break the table or inject markup.
public enum MarkdownSummary {
    /// Renders `suite`; the result ends with a newline.
    public static func render(_ suite: SuiteResult) -> String {
        var lines = [
            "## memgate: \(escape(suite.name)) — "
                + "\(suite.passedCount) passed, \(suite.failedCount) failed, \(suite.skippedCount) skipped",
            "",
        ]
        if suite.cases.isEmpty {
            lines.append("No cases ran.")
            return lines.joined(separator: "\n") + "\n"
        }
        // Resident memory gets a column only when some case has it, so suites without stay as they were.
        let showsResident = suite.cases.contains { $0.residentPeakBytes != nil }
        lines.append("| Target | Verdict | Peak | Budget | Baseline | Δ |" + (showsResident ? " Peak RSS |" : ""))
        lines.append("|---|:---:|---:|---:|---:|---:|" + (showsResident ? "---:|" : ""))
        for result in suite.cases {
            var cells = row(for: result)
            if showsResident { cells.append(result.residentPeakBytes.map(ReportFigures.bytes) ?? "—") }
            lines.append("| " + cells.joined(separator: " | ") + " |")
        }
        let failed = suite.cases.filter { $0.status == .failed }
        if !failed.isEmpty {
            lines.append("")
            lines.append("### Failures")
            lines.append("")
            for result in failed {
                lines.append("- **\(escape(result.name))**: \(escape(result.failureReason))")
                if let site = result.topSiteLines(limit: 1).first {
                    lines.append("  - top site: \(escape(site.trimmingCharacters(in: .whitespaces)))")
                }
            }
        }
        let noticed = suite.cases.filter { !$0.reportedNotices.isEmpty }
        if !noticed.isEmpty {
            lines.append("")
            lines.append("### Notices")
            lines.append("")
            for result in noticed {
                for notice in result.reportedNotices {
                    lines.append("- **\(escape(result.name))**: \(escape(TextSanitizer.firstLine(notice.message)))")
                }
            }
        }
        let suppressed = suite.cases.filter { !($0.profile?.suppressions ?? []).isEmpty }
        if !suppressed.isEmpty {
            lines.append("")
            lines.append("### Suppressed")
            lines.append("")
            for result in suppressed {
                for effect in result.profile?.suppressions ?? [] {
                    lines.append("- **\(escape(result.name))**: \(escape(effect.reportText))")
                }
            }
        }
        let accepted = suite.cases.compactMap { result in result.baseline?.accepted.map { (result.name, $0) } }
        if !accepted.isEmpty {
            lines.append("")
            lines.append("### Accepted changes")
            lines.append("")
            for (name, acceptance) in accepted {
                lines.append("- **\(escape(name))**: \(escape(acceptance.reportText))")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func row(for result: CaseResult) -> [String] {
        let row = CaseRow(result)
        return [escape(row.name), row.verdict(passed: "✅ pass", failed: "❌ fail", skipped: "⏭ skip")]
            + row.figures(placeholder: "—")
    }

    /// Characters that GitHub-flavoured Markdown may read as markup or as a table cell border.
    private static let punctuation: Set<Character> = ["\\", "`", "*", "_", "[", "]", "<", ">", "|", "~", "#", "!"]

    /// Escapes `text` for a table cell or a list item (one line of Markdown).
    static func escape(_ text: String) -> String {
        // Printable ASCII alone (most case names) is one line with nothing to sanitize, and each
        // byte is a character: escaped byte by byte, as the general path below would.
        text.utf8.allSatisfy({ (0x20...0x7E).contains($0) }) ? escapePrintableASCII(text) : escapeCharacters(text)
    }

    /// ``escape(_:)`` of any text, line by line and character by character.
    static func escapeCharacters(_ text: String) -> String {
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        return lines.map { line in
            var escaped = ""
            for character in TextSanitizer.terminal(String(line), keepNewlines: false) {
                if character == "&" {
                    escaped += "&amp;"
                } else if punctuation.contains(character) {
                    escaped += "\\" + String(character)
                } else {
                    escaped.append(character)
                }
            }
            return escaped
        }.joined(separator: "<br>")
    }

    /// ``escape(_:)`` of a text of printable ASCII characters only.
    private static func escapePrintableASCII(_ text: String) -> String {
        var escaped: [UInt8] = []
        escaped.reserveCapacity(text.utf8.count + 8)
        for byte in text.utf8 {
            if byte == UInt8(ascii: "&") {
                escaped += "&amp;".utf8
            } else {
                if isASCIIPunctuation[Int(byte)] { escaped.append(UInt8(ascii: "\\")) }
                escaped.append(byte)
            }
        }
        return String(decoding: escaped, as: UTF8.self)
    }

    /// Whether each ASCII byte is in `punctuation`.
    private static let isASCIIPunctuation: [Bool] = (0..<128).map {
        punctuation.contains(Character(Unicode.Scalar(UInt8($0))))
    }
}
