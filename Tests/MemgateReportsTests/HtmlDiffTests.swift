import Foundation
import MemgateCore
import Testing

@testable import MemgateReports

@Suite struct HtmlDiffTests {
    private func rows(_ result: CaseResult) throws -> [String: [String: Any]] {
        let data = try HtmlFixtures.data(in: HtmlFlamegraph.render(result: result))
        let diff = try #require(data["diff"] as? [String: Any])
        let rows = try #require(diff["rows"] as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: rows.map { ($0["key"] as? String ?? "", $0) })
    }

    @Test func doubledSiteIsGrownWithItsDelta() throws {
        let row = try #require(
            try rows(HtmlFixtures.result(baseline: HtmlFixtures.baseline))["append_items @ lists.py"])
        #expect(row["change"] as? String == "grown")
        #expect(row["baselineBytes"] as? Int64 == 300_000)
        #expect(row["currentBytes"] as? Int64 == 600_000)
        #expect(row["deltaBytes"] as? Int64 == 300_000)
        #expect(row["deltaFraction"] as? Double == 1.0)
        #expect(row["beyondTolerance"] as? Bool == true)
    }

    @Test func newShrunkAndUnchangedSitesAreMarked() throws {
        let rows = try rows(HtmlFixtures.result(baseline: HtmlFixtures.baseline))
        #expect(rows["grow @ lists.py"]?["change"] as? String == "new")
        #expect(rows["grow @ lists.py"]?["deltaBytes"] as? Int64 == 200_000)
        #expect(rows["tokenize @ parser.py"]?["change"] as? String == "shrunk")
        #expect(rows["tokenize @ parser.py"]?["deltaBytes"] as? Int64 == -50_000)
        #expect(rows["load_config @ config.py"]?["change"] as? String == "unchanged")
        #expect(rows["startup @ app.py"] == nil, "a site with nothing live at the peak is not compared")
    }

    @Test func siteMissingNowIsGone() throws {
        var baseline = HtmlFixtures.baseline
        baseline.sites["cache_fill @ cache.py"] = .init(bytesAtPeak: 90_000, allocationsAtPeak: 9, line: 7)
        let row = try #require(try rows(HtmlFixtures.result(baseline: baseline))["cache_fill @ cache.py"])
        #expect(row["change"] as? String == "gone")
        #expect(row["deltaBytes"] as? Int64 == -90_000)
    }

    @Test func growthWithinToleranceIsNotFlagged() throws {
        var baseline = HtmlFixtures.baseline
        baseline.sites["append_items @ lists.py"]?.bytesAtPeak = 590_000  // +1.7 %, below 5 %
        let row = try #require(try rows(HtmlFixtures.result(baseline: baseline))["append_items @ lists.py"])
        #expect(row["change"] as? String == "grown")
        #expect(row["beyondTolerance"] as? Bool == false)
    }

    @Test func treeFramesPointAtTheirSiteRow() throws {
        let data = try HtmlFixtures.data(
            in: HtmlFlamegraph.render(result: HtmlFixtures.result(baseline: HtmlFixtures.baseline)))
        let tree = try #require(data["tree"] as? [String: Any])
        let strings = try #require(tree["strings"] as? [String])
        let functions = try #require(tree["function"] as? [Int]).map { strings[$0] }
        let siteColumn = try #require(tree["site"] as? [Int])
        let rows = try #require((data["diff"] as? [String: Any])?["rows"] as? [[String: Any]])
        let appendNode = try #require(functions.firstIndex(of: "append_items"))
        #expect(rows[siteColumn[appendNode]]["key"] as? String == "append_items @ lists.py")
        #expect(siteColumn[try #require(functions.firstIndex(of: "build_list"))] == -1, "not a site")
        #expect(siteColumn[0] == -1, "root")
    }

    @Test func noBaselineMeansNoDiff() throws {
        let data = try HtmlFixtures.data(in: HtmlFlamegraph.render(result: HtmlFixtures.result()))
        #expect(data["diff"] == nil)
        let siteColumn = try #require((data["tree"] as? [String: Any])?["site"] as? [Int])
        #expect(siteColumn.allSatisfy { $0 == -1 })
    }
}
