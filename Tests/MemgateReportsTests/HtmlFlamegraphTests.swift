import Foundation
import MemgateCore
import Testing

@testable import MemgateReports

/// Synthetic results shared by the HTML report tests.
enum HtmlFixtures {
    static func python(_ function: String, _ file: String = "app.py", line: Int = 1) -> Frame {
        Frame(function: function, file: file, line: line, kind: .python)
    }

    static func stack(_ frames: [Frame], bytes: Int64, allocations: Int64 = 1) -> StackRecord {
        StackRecord(
            frames: frames, bytesAtPeak: bytes, allocationsAtPeak: allocations, totalBytes: bytes * 2,
            allocationCount: allocations * 2, bytesAtEnd: 0)
    }

    /// Depth-1 frames by bytes: build_list (800 000), parse_input (150 000), load_config (50 000).
    static let profile: Profile = {
        let main = python("main", "app.py", line: 40)
        let stacks = [
            stack(
                [python("build_list", line: 10), python("append_items", "lists.py", line: 3)], bytes: 600_000,
                allocations: 600),
            stack(
                [python("build_list", line: 12), python("grow", "lists.py", line: 8)], bytes: 200_000, allocations: 20),
            stack(
                [python("parse_input", "parser.py", line: 5), python("tokenize", "parser.py", line: 30)],
                bytes: 150_000, allocations: 1500),
            stack([python("load_config", "config.py", line: 2)], bytes: 50_000, allocations: 5),
            stack([main, python("startup")], bytes: 0),
        ]
        let timeline = (0...50).map { (step: Int64) -> TimelineSample in
            let live: Int64 = step <= 40 ? step * 25_000 : 1_000_000 - (step - 40) * 60_000
            return TimelineSample(timeNanoseconds: step * 1_000_000, liveBytes: live)
        }
        return Profile(
            regionName: "build", peakBytes: 1_000_000, totalBytes: 2_000_000, allocationCount: 4250, bytesAtEnd: 0,
            peakTimeNanoseconds: 40_000_000, durationNanoseconds: 50_000_000, stacks: stacks, timeline: timeline)
    }()

    static let environment = EnvironmentFingerprint(python: "3.11.7", libc: "glibc 2.36", arch: "x86_64")

    /// `build_list @ app.py` at half its current size, `parse_input`'s site larger than now.
    static let baseline = Baseline(
        name: "fibonacci-list", peakBytes: 700_000, totalBytes: 1_500_000, allocationCount: 4000, bytesAtEnd: 0,
        sites: [
            "append_items @ lists.py": .init(bytesAtPeak: 300_000, allocationsAtPeak: 300, line: 3),
            "tokenize @ parser.py": .init(bytesAtPeak: 200_000, allocationsAtPeak: 2000, line: 30),
            "load_config @ config.py": .init(bytesAtPeak: 50_000, allocationsAtPeak: 5, line: 2),
        ],
        environment: environment)

    static func result(
        name: String = "fibonacci-list", profile: Profile? = HtmlFixtures.profile, baseline: Baseline? = nil,
        findings: [Finding] = []
    ) -> CaseResult {
        CaseResult(
            target: "fibonacci-list", name: name, status: findings.contains(where: \.isFailure) ? .failed : .passed,
            findings: findings, profile: profile, budget: Budget(limitBytes: 1_200_000), baseline: baseline,
            durationSeconds: 0.42, flamegraphPath: "fibonacci-list.html")
    }

    /// The text of the `memgate-data` element.
    static func dataBlock(in html: String) -> String? {
        let opening = "<script type=\"application/json\" id=\"memgate-data\">"
        guard let start = html.range(of: opening),
            let end = html.range(of: "</script>", range: start.upperBound..<html.endIndex)
        else { return nil }
        return String(html[start.upperBound..<end.lowerBound])
    }

    /// The embedded data, parsed.
    static func data(in html: String) throws -> [String: Any] {
        let block = try #require(dataBlock(in: html))
        let object = try JSONSerialization.jsonObject(with: Data(block.utf8))
        return try #require(object as? [String: Any])
    }
}

@Suite struct HtmlFlamegraphTests {
    @Test func pageIsOneSelfContainedDocumentWithInlinedAssets() throws {
        let html = HtmlFlamegraph.render(result: HtmlFixtures.result())
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("id=\"flame\""))
        #expect(html.contains("id=\"timeline-svg\""))
        #expect(html.contains("document.body.dataset.ready = \"1\""), "flamegraph.js is inlined")
        #expect(html.contains("--mono:"), "flamegraph.css is inlined")
        #expect(!html.contains("<script src"))
        #expect(!html.contains("<link "))
        #expect(!html.contains("http://") && !html.contains("https://"))
    }

    @Test func headerShowsPeakBudgetAndStatus() {
        let html = HtmlFlamegraph.render(result: HtmlFixtures.result(baseline: HtmlFixtures.baseline))
        #expect(html.contains("<dd>976.6 KiB</dd>"), "peak")
        #expect(html.contains("1.1 MiB <span class=\"sub\">(83% used)</span>"), "budget and use")
        #expect(html.contains("<dd>683.6 KiB</dd>"), "baseline peak")
        #expect(html.contains("<dd class=\"delta grown\">+293.0 KiB (+42.9%)</dd>"))
        #expect(html.contains("status-passed"))
    }

    @Test func headerShowsTheLastAcceptedReasonEscaped() {
        var accepted = ReportFixtures.passing
        accepted.baseline?.accepted = BaselineAcceptance(
            reason: "cache <index> & more", date: "2026-11-26", old: nil,
            new: .init(peakBytes: 1536, totalBytes: 2048, allocationCount: 2, bytesAtEnd: 0))
        let html = HtmlFlamegraph.render(result: accepted)
        #expect(
            html.contains(
                "<span class=\"finding-kind\">last accepted</span>accepted 2026-11-26: cache &lt;index&gt; &amp; more "
                    + "(peak 1.5 KiB, first baseline)</li>"))
        #expect(!HtmlFlamegraph.render(result: ReportFixtures.passing).contains("last accepted"))
    }

    @Test func treeMergesIdenticalChildrenAndSortsByBytes() throws {
        let data = try HtmlFixtures.data(in: HtmlFlamegraph.render(result: HtmlFixtures.result()))
        let tree = try #require(data["tree"] as? [String: Any])
        let strings = try #require(tree["strings"] as? [String])
        let functions = try #require(tree["function"] as? [Int]).map { strings[$0] }
        let parents = try #require(tree["parent"] as? [Int])
        let bytes = try #require(tree["bytes"] as? [Int64])
        // Two build_list stacks with different lines merge into one node; the zero-byte stack is left out.
        #expect(functions == ["all", "build_list", "append_items", "grow", "parse_input", "tokenize", "load_config"])
        #expect(parents == [-1, 0, 1, 1, 0, 4, 0])
        #expect(bytes == [1_000_000, 800_000, 600_000, 200_000, 150_000, 150_000, 50_000])
        #expect(try #require(tree["line"] as? [Int])[1] == 10, "line of the heavier stack")
    }

    @Test func treeKeepsTheFullNativeSymbolForTooltipsNextToTheReadableName() throws {
        let full =
            "corpus::buildIndex(std::map<std::__cxx11::basic_string<char, std::char_traits<char>, "
            + "std::allocator<char> >, int>&)"
        let native = Frame(
            function: "corpus::buildIndex(std::map<std::string, int>&)", symbol: full, file: "index.cpp", line: 7,
            module: "/app/indexer", kind: .native)
        let unsymbolized = Frame.unsymbolized(modulePath: "/app/indexer", offset: 0x1234)
        let tree = HtmlFlameTree(
            stacks: [
                HtmlFixtures.stack([native], bytes: 300), HtmlFixtures.stack([unsymbolized], bytes: 100),
            ], siteIndex: ["corpus::buildIndex(std::map<std::string, int>&) @ index.cpp": 0, "indexer+0x1234": 1])
        #expect(tree.function.map { tree.strings[$0] } == ["all", native.function, "indexer+0x1234"])
        #expect(tree.symbol.map { $0 >= 0 ? tree.strings[$0] : nil } == [nil, full, nil])
        #expect(tree.site == [-1, 0, 1])
    }

    @Test func topSitesFollowTheToleranceLimit() throws {
        var result = HtmlFixtures.result()
        result.tolerance = Tolerance(topSites: 2)
        let data = try HtmlFixtures.data(in: HtmlFlamegraph.render(result: result))
        let sites = try #require(data["sites"] as? [[String: Any]])
        #expect(sites.compactMap { $0["function"] as? String } == ["append_items", "grow"])
    }

    @Test func pageWithoutProfileExplainsAndHasNoScript() {
        let result = HtmlFixtures.result(
            profile: nil, findings: [Finding(kind: .targetCrashed, message: "target crashed (SIGSEGV)")])
        let html = HtmlFlamegraph.render(result: result)
        #expect(html.contains("Nothing was measured"))
        #expect(html.contains("target crashed (SIGSEGV)"))
        #expect(html.contains("status-failed"))
        #expect(!html.contains("<canvas"))
    }

    @Test func longTimelinesAreDownsampledKeepingTheMaximum() {
        let samples = (0..<10_000).map { TimelineSample(timeNanoseconds: Int64($0), liveBytes: $0 == 7777 ? 999 : 1) }
        let kept = HtmlPageData.downsample(samples, to: 100)
        #expect(kept.count == 100)
        #expect(kept.contains { $0.liveBytes == 999 && $0.timeNanoseconds == 7777 })
    }
}
