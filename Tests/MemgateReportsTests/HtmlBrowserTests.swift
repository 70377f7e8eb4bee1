import Foundation
import MemgateCore
import Testing

@testable import MemgateReports

/// Runs headless Chromium (`chromium` on PATH) against a rendered page.
enum HtmlBrowser {
    /// The browser executable, if one is on PATH.
    static let executable: URL? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent("chromium")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }()

    /// Under `CI=true` a missing browser fails the tests instead of skipping them.
    static let isRequired = ProcessInfo.processInfo.environment["CI"] == "true"

    /// Whether the browser tests run: the browser exists, or CI requires them (and they fail).
    static var shouldRun: Bool { executable != nil || isRequired }

    /// How long one browser run may take before it is killed.
    static let timeoutSeconds: TimeInterval = 60

    /// Thrown under `CI=true` when no browser is installed.
    struct BrowserMissing: Error, CustomStringConvertible {
        var description: String { "chromium was not found on PATH; CI=true requires the browser tests to run" }
    }

    /// Runs the browser headless with `arguments` appended to the usual flags.
    /// - Returns: its standard output.
    static func run(_ arguments: [String], in directory: URL) throws -> String {
        guard let executable else { throw BrowserMissing() }
        let output = directory.appendingPathComponent("stdout-\(UUID().uuidString).txt")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let outputHandle = try FileHandle(forWritingTo: output)
        defer { try? outputHandle.close() }
        let process = Process()
        process.executableURL = executable
        process.arguments =
            [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
                "--user-data-dir=\(directory.appendingPathComponent("profile-\(UUID().uuidString)").path)",
            ] + arguments
        process.standardOutput = outputHandle
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning {
            process.terminate()
            Thread.sleep(forTimeInterval: 1)
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            Issue.record("chromium did not finish within \(Int(timeoutSeconds)) s and was killed")
        }
        return try String(contentsOf: output, encoding: .utf8)
    }

    /// The value of `attribute` on the first start tag matching `tagPattern` (a regex) in `html`.
    static func attribute(_ attribute: String, ofFirst tagPattern: String, in html: String) -> String? {
        guard let tag = html.range(of: tagPattern, options: .regularExpression) else { return nil }
        let tagText = String(html[tag])
        guard let value = tagText.range(of: " \(attribute)=\"[^\"]*\"", options: .regularExpression) else { return nil }
        return String(tagText[value].dropFirst(attribute.count + 3).dropLast())
    }
}

@Suite(.serialized) struct HtmlBrowserTests {
    private func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "memgate-html-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// The fixture plus a frame whose name is markup, as an untrusted target could produce.
    private var hostileResult: CaseResult {
        var result = HtmlFixtures.result(baseline: HtmlFixtures.baseline)
        result.profile?.stacks.append(
            HtmlFixtures.stack([HtmlFixtures.python("<img src=x onerror=alert(1)>", "evil.py")], bytes: 10))
        result.profile?.peakBytes += 10
        return result
    }

    @Test(.enabled(if: HtmlBrowser.shouldRun, "chromium is not on PATH (set CI=true to make this a failure)"))
    func renderedDomListsWidestFrameFirstAndMarksThePeak() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let page = directory.appendingPathComponent("case.html")
        let result = hostileResult
        try HtmlFlamegraph.render(result: result).write(to: page, atomically: true, encoding: .utf8)

        let dom = try HtmlBrowser.run(["--virtual-time-budget=5000", "--dump-dom", page.absoluteString], in: directory)

        #expect(HtmlBrowser.attribute("data-ready", ofFirst: "<body[^>]*>", in: dom) == "1", "the script finished")
        let firstFrame = "<ol id=\"frame-list\"[^>]*>\\s*<li [^>]*>"
        #expect(HtmlBrowser.attribute("data-name", ofFirst: firstFrame, in: dom) == "build_list")
        #expect(HtmlBrowser.attribute("data-bytes", ofFirst: firstFrame, in: dom) == "800000")
        #expect(HtmlBrowser.attribute("data-depth", ofFirst: firstFrame, in: dom) == "1")
        let peak = HtmlBrowser.attribute("data-bytes", ofFirst: "<circle [^>]*id=\"timeline-peak\"[^>]*>", in: dom)
        #expect(peak == String(result.profile?.peakBytes ?? -1))
        #expect(dom.contains("&lt;img src=x onerror=alert(1)&gt;"), "the hostile name is shown as text")
        #expect(!dom.contains("<img"), "the hostile name did not become an element")
    }

    @Test(.enabled(if: HtmlBrowser.shouldRun, "chromium is not on PATH (set CI=true to make this a failure)"))
    func screenshotOfTheDiffViewIsAPicture() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let page = directory.appendingPathComponent("case.html")
        try HtmlFlamegraph.render(result: hostileResult).write(to: page, atomically: true, encoding: .utf8)
        let screenshot = directory.appendingPathComponent("case.png")

        _ = try HtmlBrowser.run(
            [
                "--virtual-time-budget=5000", "--hide-scrollbars", "--screenshot=\(screenshot.path)",
                "--window-size=1280,900",
                page.absoluteString + "#diff",
            ], in: directory)

        let size = try FileManager.default.attributesOfItem(atPath: screenshot.path)[.size] as? Int ?? 0
        #expect(size > 10_000, "screenshot is \(size) bytes")
        // For looking at the page by hand: MEMGATE_KEEP_SCREENSHOT=/tmp/x.png keeps x.png and x.html.
        if let keep = ProcessInfo.processInfo.environment["MEMGATE_KEEP_SCREENSHOT"] {
            let kept = URL(fileURLWithPath: keep)
            let keptPage = kept.deletingPathExtension().appendingPathExtension("html")
            for (source, destination) in [(screenshot, kept), (page, keptPage)] {
                try? FileManager.default.removeItem(at: destination)
                try FileManager.default.copyItem(at: source, to: destination)
            }
        }
    }
}
