import Foundation
import MemgateCore
import MemgateReports
import MemgateRuntime

/// Writes the run's artifacts; every file is written whole (temp file + rename).
struct ArtifactWriter {
    var artifactsDirectory: String?
    var junitPath: String?
    var jsonPath: String?
    var markdownPath: String?

    /// Name of the file that collects each case as it finishes, so an interrupted or crashed
    /// run keeps what it measured; removed once the full artifacts are written.
    static let partialResultsName = "results.partial.jsonl"

    /// Appends one finished case to `<artifacts>/results.partial.jsonl` (one JSON object a line).
    func appendPartial(_ result: CaseResult) {
        guard let artifactsDirectory else { return }
        let directory = URL(fileURLWithPath: artifactsDirectory)
        let url = directory.appendingPathComponent(Self.partialResultsName)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard var line = try? encoder.encode(result) else { return }
        line.append(UInt8(ascii: "\n"))
        try? append(line, to: url)
    }

    func write(_ suite: inout SuiteResult) throws {
        let directory = artifactsDirectory.map { URL(fileURLWithPath: $0) }
        if let directory {
            let flamegraphs = directory.appendingPathComponent("flamegraphs")
            try FileManager.default.createDirectory(at: flamegraphs, withIntermediateDirectories: true)
            for index in suite.cases.indices where suite.cases[index].profile != nil {
                let item = suite.cases[index]
                // Target names are already file-safe; pytest node ids get a safe name plus a hash.
                let file =
                    item.name == item.target
                    ? "flamegraphs/\(item.target).html"
                    : "flamegraphs/\(item.target)/\(BaselineFileName.safeFileName(forCase: item.name)).html"
                suite.cases[index].flamegraphPath = file
                try atomicWrite(
                    Data(HtmlFlamegraph.render(result: suite.cases[index]).utf8),
                    to: directory.appendingPathComponent(file))
            }
        }
        // The reports only read the suite, so they render side by side (a merge of 50 000 cases
        // spends seconds in each); the first error is thrown.
        let rendered = suite
        var writes: [@Sendable () throws -> Void] = []
        if let directory {
            writes.append {
                try atomicWrite(
                    Data(HtmlIndex.render(suite: rendered).utf8), to: directory.appendingPathComponent("index.html"))
                try atomicWrite(
                    Data(MarkdownSummary.render(rendered).utf8), to: directory.appendingPathComponent("summary.md"))
            }
        }
        if let path = junitPath ?? directory?.appendingPathComponent("junit.xml").path {
            writes.append { try atomicWrite(JUnitReport.render([rendered]), to: URL(fileURLWithPath: path)) }
        }
        if let path = jsonPath ?? directory?.appendingPathComponent("results.json").path {
            writes.append { try atomicWrite(JSONResults.render([rendered]), to: URL(fileURLWithPath: path)) }
        }
        try ConcurrentWrites.run(writes)
        if let directory {
            try? FileManager.default.removeItem(at: directory.appendingPathComponent(Self.partialResultsName))
        }
        if let markdownPath {
            // $GITHUB_STEP_SUMMARY is shared by all steps of a job: append, never replace.
            try append(Data((MarkdownSummary.render(suite) + "\n").utf8), to: URL(fileURLWithPath: markdownPath))
        }
    }

    /// Appends to an existing file, or creates it (and its directory) when there is none.
    private func append(_ data: Data, to url: URL) throws {
        if let handle = try? FileHandle(forWritingTo: url) {
            handle.seekToEndOfFile()
            handle.write(data)
            try handle.close()
        } else {
            try atomicWrite(data, to: url)
        }
    }

    private func atomicWrite(_ data: Data, to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url, options: .atomic)
    }
}
