import Foundation
import MemgateCore
import Testing

/// The fibonacci-list flamegraph page as a browser draws it: headless Chromium, no network.
@Suite struct BrowserTests {
    static let mebibyte: Int64 = 1024 * 1024

    /// Chromium on PATH; nil outside CI skips, on CI (`CI=true`) a missing browser fails.
    static let chromium: URL? = ChildProcess.findOnPath(["chromium", "chromium-browser", "google-chrome"])

    static var chromiumAvailableOrRequired: Bool { chromium != nil || RepositoryLayout.isCI }

    @Test(.enabled(if: chromiumAvailableOrRequired, "chromium is not installed (`make deps` installs it)"))
    func fibonacciListFlamegraphRendersThePeakAndTheListBuilder() throws {
        let chromium = try #require(Self.chromium, "chromium is required on CI; `make deps` installs it")
        let workspace = try Workspace("browser")
        let artifacts = workspace.path("artifacts")
        let config = RepositoryLayout.root.appendingPathComponent("ci/exercises/fibonacci-list.yml").path
        let run = try Memgate.run(
            ["run", "--config", config, "--artifacts", artifacts.path], in: RepositoryLayout.root)
        #expect(run.exitCode == Memgate.Exit.gateFailed, "\(run.standardOutput)\(run.standardError)")
        let suite = try Memgate.suite(at: artifacts.appendingPathComponent("results.json"))
        let result = try #require(suite.case("fibonacci-list"))
        let page = artifacts.appendingPathComponent(try #require(result.flamegraphPath))
        #expect(FileManager.default.fileExists(atPath: page.path))

        let dom = try Self.chromium(chromium, ["--dump-dom", page.absoluteString], workspace: workspace).standardOutput

        #expect(dom.contains("data-ready=\"1\""), "the page script did not finish")
        let frames = Self.tags(named: "li", withClass: "frame", inside: "id=\"frame-list\"", of: dom)
        let first = try #require(frames.first, "no li.frame in ol#frame-list")
        #expect(Self.attribute("data-name", of: first) == "fibonacci_hash_list")
        #expect(Self.attribute("data-depth", of: first) == "1")
        let widths = frames.compactMap { Self.attribute("data-bytes", of: $0).flatMap { Int64($0) } }
        #expect(widths.first == widths.max(), "the first depth-1 frame is not the widest: \(widths)")

        let peakCircle = try #require(Self.firstTag("circle", withID: "timeline-peak", in: dom))
        let timelinePeak = try #require(Self.attribute("data-bytes", of: peakCircle).flatMap { Int64($0) })
        #expect(timelinePeak > 100 * Self.mebibyte)
        #expect(timelinePeak == result.profile?.peakBytes)

        let data = try #require(Self.embeddedData(in: dom))
        let peak = try #require((data["peakBytes"] as? NSNumber)?.int64Value)
        #expect(peak == timelinePeak)
        let listBuilderBytes = try Self.inclusiveBytes(ofFunction: "fibonacci_list", in: data)
        #expect(listBuilderBytes * 100 > peak * 99, "fibonacci_list holds \(listBuilderBytes) of \(peak) bytes")

        let screenshot = RepositoryLayout.root.appendingPathComponent("artifacts/screenshots/fibonacci-list.png")
        try FileManager.default.createDirectory(
            at: screenshot.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? FileManager.default.removeItem(at: screenshot)
        _ = try Self.chromium(
            chromium, ["--screenshot=\(screenshot.path)", "--window-size=1400,1000", page.absoluteString],
            workspace: workspace)
        let size = try FileManager.default.attributesOfItem(atPath: screenshot.path)[.size] as? NSNumber
        #expect((size?.intValue ?? 0) > 10_000, "screenshot is \(size?.intValue ?? 0) bytes")
    }

    /// Runs headless Chromium with networking pointed at a closed port and its own profile.
    static func chromium(_ chromium: URL, _ arguments: [String], workspace: Workspace) throws -> ChildProcessResult {
        let profile = workspace.path("chromium-profile-\(UUID().uuidString.prefix(8))")
        let result = try ChildProcess.run(
            chromium,
            [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=5000",
                "--proxy-server=127.0.0.1:9", "--user-data-dir=\(profile.path)", "--no-first-run",
            ] + arguments,
            environment: ProcessInfo.processInfo.environment, directory: workspace.url, timeoutSeconds: 60)
        #expect(result.exitCode == 0, "chromium failed: \(result.standardError.suffix(2000))")
        return result
    }

    /// The opening tags `<name … class="cls" …>` after the first occurrence of `container`.
    static func tags(named name: String, withClass cls: String, inside container: String, of html: String) -> [String] {
        guard let start = html.range(of: container) else { return [] }
        let end = html.range(of: "</ol>", range: start.upperBound..<html.endIndex)?.lowerBound ?? html.endIndex
        var found: [String] = []
        var cursor = start.upperBound
        while let open = html.range(of: "<\(name) ", range: cursor..<end),
            let close = html.range(of: ">", range: open.upperBound..<end)
        {
            let tag = String(html[open.lowerBound..<close.upperBound])
            if attribute("class", of: tag)?.split(separator: " ").contains(Substring(cls)) == true { found.append(tag) }
            cursor = close.upperBound
        }
        return found
    }

    /// The opening tag of the first `<name>` element with `id="id"`.
    static func firstTag(_ name: String, withID id: String, in html: String) -> String? {
        var cursor = html.startIndex
        while let open = html.range(of: "<\(name) ", range: cursor..<html.endIndex),
            let close = html.range(of: ">", range: open.upperBound..<html.endIndex)
        {
            let tag = String(html[open.lowerBound..<close.upperBound])
            if attribute("id", of: tag) == id { return tag }
            cursor = close.upperBound
        }
        return nil
    }

    /// An attribute's value in an opening tag, with the entities Chromium serializes decoded.
    static func attribute(_ name: String, of tag: String) -> String? {
        guard let start = tag.range(of: " \(name)=\"") else { return nil }
        guard let end = tag.range(of: "\"", range: start.upperBound..<tag.endIndex) else { return nil }
        return String(tag[start.upperBound..<end.lowerBound])
            .replacingOccurrences(of: "&quot;", with: "\"")
            .replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&amp;", with: "&")
    }

    /// The page's `<script type="application/json" id="memgate-data">` object.
    static func embeddedData(in html: String) -> [String: Any]? {
        guard let marker = html.range(of: "id=\"memgate-data\""),
            let open = html.range(of: ">", range: marker.upperBound..<html.endIndex),
            let close = html.range(of: "</script>", range: open.upperBound..<html.endIndex)
        else { return nil }
        let json = Data(html[open.upperBound..<close.lowerBound].utf8)
        return (try? JSONSerialization.jsonObject(with: json)) as? [String: Any]
    }

    /// Bytes live at the peak under the outermost frames of `function` in the page's call tree.
    static func inclusiveBytes(ofFunction function: String, in data: [String: Any]) throws -> Int64 {
        let tree = try #require(data["tree"] as? [String: Any])
        let strings = try #require(tree["strings"] as? [String])
        let functions = try #require(tree["function"] as? [Int])
        let parents = try #require(tree["parent"] as? [Int])
        let bytes = try #require((tree["bytes"] as? [NSNumber])?.map(\.int64Value))
        func isMatch(_ node: Int) -> Bool { node > 0 && functions[node] >= 0 && strings[functions[node]] == function }
        func hasMatchingAncestor(_ node: Int) -> Bool {
            var ancestor = parents[node]
            while ancestor > 0 {
                if isMatch(ancestor) { return true }
                ancestor = parents[ancestor]
            }
            return false
        }
        return parents.indices.filter { isMatch($0) && !hasMatchingAncestor($0) }.reduce(0) { $0 + bytes[$1] }
    }
}
