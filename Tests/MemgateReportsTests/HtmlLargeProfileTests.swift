import Foundation
import MemgateCore
import Testing

@testable import MemgateReports

@Suite struct HtmlLargeProfileTests {
    /// 12 500 unique stacks of 6 frames under 10 shared module frames: 62 511 tree nodes.
    static let largeResult: CaseResult = {
        var stacks: [StackRecord] = []
        stacks.reserveCapacity(12_500)
        for index in 0..<12_500 {
            let module = "module\(index % 10)"
            let frames = [
                Frame(function: "\(module).run", file: "\(module).py", line: 1, kind: .python),
                Frame(function: "handler_\(index)", file: "\(module)/handlers.py", line: index, kind: .python),
                Frame(function: "build_\(index)", file: "\(module)/build.py", line: 3, kind: .python),
                Frame(function: "fill_\(index)", file: "\(module)/fill.py", line: 4, kind: .python),
                Frame(function: "PyList_New", module: "/usr/lib/libpython3.11.so", kind: .native),
                Frame(function: "malloc", module: "/lib/x86_64-linux-gnu/libc.so.6", kind: .native),
            ]
            stacks.append(
                HtmlFixtures.stack(frames, bytes: Int64(1 + index % 997) * 64, allocations: 1 + Int64(index % 7)))
        }
        let peak = stacks.reduce(0) { $0 + $1.bytesAtPeak }
        let timeline = (0..<5000).map {
            TimelineSample(timeNanoseconds: Int64($0) * 100_000, liveBytes: peak * Int64($0) / 4999)
        }
        let profile = Profile(
            regionName: "large", peakBytes: peak, totalBytes: peak * 2, allocationCount: 50_000, bytesAtEnd: 0,
            peakTimeNanoseconds: 499_900_000, durationNanoseconds: 500_000_000, stacks: stacks, timeline: timeline)
        return HtmlFixtures.result(name: "large", profile: profile)
    }()

    @Test func fiftyThousandNodeProfileRendersWithParsableData() throws {
        let clock = ContinuousClock()
        var html = ""
        let elapsed = clock.measure { html = HtmlFlamegraph.render(result: Self.largeResult) }
        print("rendered \(html.utf8.count) bytes in \(elapsed)")
        let data = try HtmlFixtures.data(in: html)
        let tree = try #require(data["tree"] as? [String: Any])
        let parents = try #require(tree["parent"] as? [Int])
        #expect(parents.count == 1 + 10 + 5 * 12_500, "root, shared module frames, 5 unique frames per stack")
        let bytes = try #require(tree["bytes"] as? [Int64])
        #expect(bytes[0] == Self.largeResult.profile?.peakBytes)
        let timelineCount = try #require((data["timelineBytes"] as? [Int64])?.count)
        #expect(timelineCount <= HtmlPageData.maximumTimelinePoints)
    }

    @Test(.enabled(if: HtmlBrowser.shouldRun, "chromium is not on PATH (set CI=true to make this a failure)"))
    func fiftyThousandNodePageBecomesReadyInTheBrowser() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "memgate-html-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let page = directory.appendingPathComponent("large.html")
        try HtmlFlamegraph.render(result: Self.largeResult).write(to: page, atomically: true, encoding: .utf8)

        let dom = try HtmlBrowser.run(["--virtual-time-budget=5000", "--dump-dom", page.absoluteString], in: directory)

        #expect(HtmlBrowser.attribute("data-ready", ofFirst: "<body[^>]*>", in: dom) == "1")
        let frames = dom.components(separatedBy: "<li class=\"frame\"").count - 1
        #expect(frames == 10, "one list entry per module under the root")
    }
}
