import Foundation
import MemgateCore
import Testing

/// `memgate record` then `memgate report` on the Fibonacci exercise, as a developer runs them
/// by hand: the text, JSON and HTML views of one capture agree with each other.
@Suite(.timeLimit(.minutes(2)))
struct ReportHtmlTests {
    @Test func textJsonAndHtmlReportsOfOneCaptureAgree() throws {
        let workspace = try Workspace("report-html")
        let capture = workspace.path("fib.mgc")
        let script = RepositoryLayout.root.appendingPathComponent("ci/targets/fibonacci.py").path

        let record = try Memgate.run(
            ["record", "-o", capture.path, "--python-call", "fibonacci_hash_list(3333, 3000, 3456)", "--", script],
            in: RepositoryLayout.root)
        #expect(record.exitCode == 0, "stdout: \(record.standardOutput)\nstderr: \(record.standardError)")
        #expect(record.standardError.contains("memgate: wrote \(capture.path)"), "stderr: \(record.standardError)")

        let text = try Memgate.run(["report", capture.path, "--html", "out.html", "--top", "5"], in: workspace.url)
        #expect(text.exitCode == 0, "stdout: \(text.standardOutput)\nstderr: \(text.standardError)")
        #expect(
            text.standardOutput.contains("region \"fibonacci_hash_list(3333, 3000, 3456)\", complete"),
            "stdout: \(text.standardOutput)")
        let siteLines = Self.siteLines(text.standardOutput)
        #expect(!siteLines.isEmpty && siteLines.count <= 5, "stdout: \(text.standardOutput)")
        #expect(siteLines.first?.contains("fibonacci_list @ ") == true, "stdout: \(text.standardOutput)")
        let textPeak = try #require(Self.peakBytes(text.standardOutput), "stdout: \(text.standardOutput)")
        #expect(textPeak > 0)

        #expect(workspace.exists("out.html"))
        let html = try String(contentsOf: workspace.path("out.html"), encoding: .utf8)
        #expect(html.contains("id=\"memgate-data\""))
        #expect(!html.contains("http://"))
        #expect(!html.contains("https://"))
        let embedded = try #require(Self.embeddedData(html), "no parsable #memgate-data element")
        #expect((embedded["peakBytes"] as? NSNumber)?.int64Value == textPeak)
        let sites = try #require(embedded["sites"] as? [[String: Any]])
        // --top 5 bounds both views the same way: the same sites, in the same order.
        #expect(sites.count == siteLines.count, "html sites: \(sites.count), text sites: \(siteLines.count)")
        #expect(sites.first?["function"] as? String == "fibonacci_list")

        let json = try Memgate.run(["report", capture.path, "--json", "-"], in: workspace.url)
        #expect(json.exitCode == 0, "stderr: \(json.standardError)")
        let profile = try JSONDecoder().decode(Profile.self, from: Data(json.standardOutput.utf8))
        #expect(profile.peakBytes == textPeak)
        #expect(profile.regionName == "fibonacci_hash_list(3333, 3000, 3456)")
        #expect(profile.completion == .complete)
        #expect(profile.topSites(limit: 1).first?.key.function == "fibonacci_list")
    }

    /// N from the text report's `peak:` line, `peak:         1.2 MiB (N B)`.
    static func peakBytes(_ output: String) -> Int64? {
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("peak:") }),
            let open = line.lastIndex(of: "("), line.hasSuffix(" B)")
        else { return nil }
        return Int64(line[line.index(after: open)..<line.index(line.endIndex, offsetBy: -3)])
    }

    /// The lines listed under `top sites at peak:`.
    static func siteLines(_ output: String) -> [String] {
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let start = lines.firstIndex(of: "top sites at peak:") else { return [] }
        return Array(lines[(start + 1)...].prefix { $0.hasPrefix("  ") })
    }

    /// The JSON object embedded in `<script type="application/json" id="memgate-data">`.
    static func embeddedData(_ html: String) -> [String: Any]? {
        guard let marker = html.range(of: "id=\"memgate-data\">"),
            let end = html.range(of: "</script>", range: marker.upperBound..<html.endIndex)
        else { return nil }
        let json = Data(html[marker.upperBound..<end.lowerBound].utf8)
        return (try? JSONSerialization.jsonObject(with: json)) as? [String: Any]
    }
}
