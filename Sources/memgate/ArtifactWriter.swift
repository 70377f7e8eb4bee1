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
    /// Profile exports written per measured case under `<artifacts>/profiles/` (`--export`).
    var exports: [ProfileExport] = []
    /// Per-case files already written elsewhere (a shard's flamegraph pages and exports, for
    /// `memgate merge`), by their path in the artifacts directory: linked there, never rendered.
    var reusedFiles: [String: String] = [:]
    /// The suite given to ``write(_:)`` already has its flamegraph paths (a merge assigns them to
    /// find the shards' files), so they are not computed twice.
    var flamegraphPathsAssigned = false
    /// Cases as a results file already holds them (a shard's), by the suite's case order, which
    /// results.json takes as they are instead of encoding them.
    var writtenCaseJSON: [ArraySlice<UInt8>?] = []

    /// Name of the file that collects each case as it finishes, so an interrupted or crashed
    /// run keeps what it measured; removed once the full artifacts are written.
    static let partialResultsName = "results.partial.jsonl"

    /// Checks, before anything runs, that the artifacts directory and the single files can be
    /// written: an existing path that is not a directory, or a parent that is a file, is a usage
    /// error (exit 2) rather than a failure after every target has run.
    static func validate(directory: String?, files: [String?]) throws {
        var problems: [String] = []
        if let directory {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
                if !isDirectory.boolValue {
                    problems.append("--artifacts \(directory) exists and is not a directory")
                } else if !FileManager.default.isWritableFile(atPath: directory) {
                    problems.append("--artifacts \(directory) is not writable")
                }
            } else if let blocker = fileBlocking(URL(fileURLWithPath: directory)) {
                problems.append("--artifacts \(directory) cannot be created: \(blocker) is not a directory")
            }
        }
        for case let file? in files {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory), isDirectory.boolValue {
                problems.append("\(file) is a directory, expected a file to write")
            } else if let blocker = fileBlocking(URL(fileURLWithPath: file).deletingLastPathComponent()) {
                problems.append("\(file) cannot be written: \(blocker) is not a directory")
            }
        }
        guard problems.isEmpty else {
            throw MemgateFailure(description: problems.joined(separator: "; "), code: ExitStatus.usage)
        }
    }

    /// The nearest existing ancestor of `url` (or `url` itself) when it is a file, not a directory.
    private static func fileBlocking(_ url: URL) -> String? {
        var current = url.standardizedFileURL
        while current.path != "/" {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: current.path, isDirectory: &isDirectory) {
                return isDirectory.boolValue ? nil : current.path
            }
            current = current.deletingLastPathComponent()
        }
        return nil
    }

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

    /// Writes every artifact of `suite`. Flamegraph paths are assigned first, in one pure step,
    /// so every format renders the same immutable results whatever the order of writing.
    func write(_ suite: SuiteResult) throws {
        let directory = artifactsDirectory.map { URL(fileURLWithPath: $0) }
        let suite =
            directory == nil || flamegraphPathsAssigned ? suite : ReportFormat.assigningFlamegraphPaths(suite)
        // The reports only read the suite, so they render side by side, and beside the case files
        // (a merge of 50 000 cases spends seconds in each); the first error is thrown. All of it
        // is one flat list of works: libdispatch runs a concurrentPerform nested in another on
        // the calling thread alone, which left the four reports one after the other.
        let rendered = suite
        let writer = self
        var works: [@Sendable () throws -> Void] = []
        for format in ReportFormat.allCases {
            guard let url = destination(of: format, in: directory) else { continue }
            works.append { try writer.atomicWrite(try writer.render(format, rendered), to: url) }
        }
        if let directory { works += caseFileWorks(rendered, in: directory) }
        try ConcurrentWrites.run(works)
        if let directory {
            try? FileManager.default.removeItem(at: directory.appendingPathComponent(Self.partialResultsName))
        }
        if let markdownPath {
            // $GITHUB_STEP_SUMMARY is shared by all steps of a job: append, never replace.
            try append(
                try ReportFormat.markdown.render(suite) + Data("\n".utf8), to: URL(fileURLWithPath: markdownPath))
        }
    }

    /// The whole file of `format` for `suite`.
    private func render(_ format: ReportFormat, _ suite: SuiteResult) throws -> Data {
        if format == .json, !writtenCaseJSON.isEmpty {
            return try JSONResults.render([suite], written: writtenCaseJSON)
        }
        return try format.render(suite)
    }

    /// Works writing every case's flamegraph page and exports, each making the directories it
    /// needs: a file in `reusedFiles` is linked, the others are rendered (pages of different cases
    /// never share a file).
    private func caseFileWorks(_ suite: SuiteResult, in directory: URL) -> [@Sendable () throws -> Void] {
        let cases = suite.cases
        // Plain path strings: Foundation's URL operations cost seconds over 50 000 cases.
        let root = directory.path + "/"
        let directories = DirectoryMaker(root: root)
        let writer = self
        // A few works per core, which spread over the cores beside the reports.
        return ConcurrentWrites.chunks(of: cases.indices).map { range in
            {
                var made: Substring?
                for index in range {
                    guard let page = cases[index].flamegraphPath else { continue }
                    for file in writer.files(of: cases[index], page: page) {
                        if let slash = file.path.lastIndex(of: "/"), file.path[..<slash] != made {
                            made = file.path[..<slash]
                            try directories.make(String(file.path[..<slash]))
                        }
                        if let source = file.source {
                            try ShardFiles.place(source, at: root + file.path)
                        } else if let export = file.export, let profile = cases[index].profile {
                            try export.render(profile).write(
                                to: URL(fileURLWithPath: root + file.path), options: .atomic)
                        } else if file.export == nil {
                            try Data(HtmlFlamegraph.render(result: cases[index]).utf8).write(
                                to: URL(fileURLWithPath: root + file.path), options: .atomic)
                        }
                    }
                }
            }
        }
    }

    /// The files of a case whose page is `page`, as (path in the artifacts, what is already
    /// written there, export to render): its page, then its exports that are reused or asked for.
    private func files(of result: CaseResult, page: String) -> [(path: String, source: String?, export: ProfileExport?)]
    {
        var files: [(path: String, source: String?, export: ProfileExport?)] = [(page, reusedFiles[page], nil)]
        guard result.profile != nil, !exports.isEmpty || !reusedFiles.isEmpty else { return files }
        for export in ProfileExport.allCases {
            let path = Self.exportPath(export, page: page)
            if let source = reusedFiles[path] {
                files.append((path, source, export))
            } else if exports.contains(export) {
                files.append((path, nil, export))
            }
        }
        return files
    }

    /// Makes each directory of the case files once, whichever work needs it first (thousands of
    /// pytest pages share a few directories).
    private final class DirectoryMaker: @unchecked Sendable {
        private let root: String
        private let lock = NSLock()
        /// Guarded by `lock`.
        private var made: Set<String> = []

        init(root: String) { self.root = root }

        /// Makes `path` (relative to the root) and its parents unless already made.
        func make(_ path: String) throws {
            lock.lock()
            defer { lock.unlock() }
            guard !made.contains(path) else { return }
            try FileManager.default.createDirectory(atPath: root + path, withIntermediateDirectories: true)
            made.insert(path)
        }
    }

    /// Where a case's export goes, from its page's path: `flamegraphs/<name>.html` →
    /// `profiles/<name>.<ext>`, as ``ProfileExport/path(of:)`` names it.
    static func exportPath(_ export: ProfileExport, page: String) -> String {
        "profiles/\(page.dropFirst("flamegraphs/".count).dropLast(".html".count)).\(export.fileExtension)"
    }

    /// Where `format` is written: its single-file option, else its file in the artifacts
    /// directory (the Markdown option appends, so it is handled apart).
    private func destination(of format: ReportFormat, in directory: URL?) -> URL? {
        let single: String? =
            switch format {
            case .junit: junitPath
            case .json: jsonPath
            case .markdown, .htmlIndex: nil
            }
        if let single { return URL(fileURLWithPath: single) }
        return directory?.appendingPathComponent(format.artifactName)
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
