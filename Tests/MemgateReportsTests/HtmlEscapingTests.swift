import Foundation
import MemgateCore
import Testing

@testable import MemgateReports

@Suite struct HtmlEscapingTests {
    static let breakout = "</script><script>alert(1)</script>"
    /// Markup, control characters, line/paragraph separators and a URL, as a hostile target could name things.
    static let hostileName = "case \(breakout)\u{0}\u{1B}[31m\u{2028}\u{2029}<!-- & \"quoted\" 'single'"

    private var hostileResult: CaseResult {
        var profile = HtmlFixtures.profile
        profile.stacks.append(
            HtmlFixtures.stack(
                [HtmlFixtures.python("fn\(Self.breakout)\u{7}", "http://evil.example/x.py")], bytes: 42))
        var result = HtmlFixtures.result(
            name: Self.hostileName, profile: profile,
            findings: [Finding(kind: .limitExceeded, message: "see https://evil.example \(Self.breakout)")])
        result.outputTail = "Traceback \(Self.breakout)\u{0}"
        return result
    }

    @Test func dataBlockCannotBeClosedByNames() throws {
        let html = HtmlFlamegraph.render(result: hostileResult)
        let block = try #require(HtmlFixtures.dataBlock(in: html))
        #expect(!block.lowercased().contains("</script"))
        #expect(!block.contains("<") && !block.contains(">") && !block.contains("&"))
        #expect(!block.contains("\u{2028}") && !block.contains("\u{2029}"))
        #expect(block.contains("\\u003c\\/script\\u003e"))
        // Only our two script elements exist: the data and the inlined flamegraph.js.
        #expect(html.components(separatedBy: "<script").count - 1 == 2)
        #expect(!html.contains(Self.breakout))
    }

    @Test func escapedDataRoundTripsExactly() throws {
        let data = try HtmlFixtures.data(in: HtmlFlamegraph.render(result: hostileResult))
        #expect(data["caseName"] as? String == Self.hostileName)
        let strings = try #require((data["tree"] as? [String: Any])?["strings"] as? [String])
        #expect(strings.contains("fn\(Self.breakout)\u{7}"))
    }

    @Test func noUrlAppearsAnywhereInTheOutput() {
        let html = HtmlFlamegraph.render(result: hostileResult)
        #expect(!html.contains("http://") && !html.contains("https://"))
        let index = HtmlIndex.render(suite: SuiteResult(name: "http://x", cases: [hostileResult], durationSeconds: 1))
        #expect(!index.contains("http://") && !index.contains("https://"))
    }

    @Test func headerTextIsEscapedAndControlCharactersReplaced() {
        let html = HtmlFlamegraph.render(result: hostileResult)
        #expect(html.contains("<h1 class=\"case-name\">case &lt;&#47;script&gt;&lt;script&gt;alert(1)"))
        #expect(html.contains("&lt;!-- &amp; &quot;quoted&quot; &#39;single&#39;"))
        #expect(!html.contains("\u{0}") && !html.contains("\u{1B}"))
        #expect(html.contains("Traceback &lt;&#47;script&gt;"))
    }

    @Test(arguments: [
        ("<b>", "&lt;b&gt;"), ("a & b", "a &amp; b"), ("\"'", "&quot;&#39;"), ("a/b", "a&#47;b"),
        ("tab\tline\n", "tab\tline\n"), ("nul\u{0}bell\u{7}del\u{7F}", "nul\u{FFFD}bell\u{FFFD}del\u{FFFD}"),
        ("émoji 🧠", "émoji 🧠"),
    ])
    func textEscaping(raw: String, escaped: String) {
        #expect(HtmlEscape.text(raw) == escaped)
    }

    @Test func asciiIsEscapedByteByByteAsScalarByScalar() {
        let ascii = (0x00...0x7F).map { String(UnicodeScalar(UInt8($0))) }
        for raw in ascii + [ascii.joined(), "tests/test_x.py::test_a[<&>]\r\n", ""] {
            #expect(HtmlEscape.text(raw) == HtmlEscape.scalarText(raw), "\(raw.debugDescription)")
        }
    }

    @Test func bundledAssetsCannotCloseTheirElement() {
        #expect(HtmlEscape.inlineAsset("a = '</script>';") == "a = '<\\/script>';")
        #expect(ReportAssets.text(named: "flamegraph.js")?.contains("</") == false)
        #expect(ReportAssets.text(named: "flamegraph.css")?.contains("</") == false)
    }
}
