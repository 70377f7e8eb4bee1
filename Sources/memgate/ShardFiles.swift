import Foundation
import MemgateCore
import MemgateReports

/// The per-case files shards already wrote (flamegraph pages, profile exports), which
/// `memgate merge` links into the merged artifacts instead of rendering them again: at 50 000
/// cases rendering the pages was nearly all of a merge's time.
///
/// A shard's page is reused only when the merged case is the case the shard rendered (merging
/// adds an `environmentMismatch` notice to some cases; those pages are rendered again), and only
/// from inside that shard's directory: a path in a shard's `results.json` that leaves it (`..`,
/// absolute, a symbolic link out) is ignored and the page rendered.
struct ShardFiles {
    private struct Key: Hashable {
        var target: String
        var name: String
    }

    private struct Written {
        var directory: String
        var page: String?
        var findings: [Finding]
        /// The shard wrote exports (`profiles/`): only then are they looked for, case by case.
        var hasExports: Bool
        /// The case's object in the shard's results.json, when the file is laid out as memgate lays it out.
        var json: ArraySlice<UInt8>?
    }

    private var written: [Key: Written] = [:]

    /// Remembers what each shard of `inputs` wrote; `directories` are the shards' artifact
    /// directories and `caseJSON` each case's bytes in its results.json (``JSONResults/caseBytes(in:caseCount:)``),
    /// in the order of `inputs`.
    init(inputs: [ShardMerge.Input], directories: [URL], caseJSON: [[ArraySlice<UInt8>]?]) {
        written.reserveCapacity(inputs.reduce(0) { $0 + $1.suites.reduce(0) { $0 + $1.cases.count } })
        for (inputIndex, (input, directory)) in zip(inputs, directories).enumerated() {
            let hasExports = FileManager.default.fileExists(atPath: directory.appendingPathComponent("profiles").path)
            let json = caseJSON[inputIndex]
            let directoryPath = directory.path
            var caseIndex = 0
            for suite in input.suites {
                for item in suite.cases {
                    written[Key(target: item.target, name: item.name)] = Written(
                        directory: directoryPath, page: item.flamegraphPath, findings: item.findings,
                        hasExports: hasExports, json: json?[caseIndex])
                    caseIndex += 1
                }
            }
        }
    }

    /// For each case of the merged `suite` (flamegraph paths assigned) whose shard wrote its page
    /// or exports, where each file is now, keyed by its path in the merged artifacts. Exports
    /// depend on the profile alone, which merging never changes; a page also shows the findings.
    func reusable(in suite: SuiteResult) throws -> [String: String] {
        // Looked for side by side: one lstat per file, 50 000 and more in a large merge.
        let cases = suite.cases
        let found = try ConcurrentWrites.map(ConcurrentWrites.chunks(of: cases.indices)) { range in
            var sources: [(path: String, file: String)] = []
            for item in cases[range] {
                guard let path = item.flamegraphPath, let shard = written[Key(target: item.target, name: item.name)]
                else { continue }
                if shard.findings == item.findings, let page = shard.page,
                    let pageFile = Self.file(page, inside: shard.directory)
                {
                    sources.append((path, pageFile))
                }
                // Exports are named after the page (`profiles/<target>/<case>.<ext>`), in both places.
                for export in ProfileExport.allCases where shard.hasExports {
                    let exportPath = ArtifactWriter.exportPath(export, page: path)
                    if let file = Self.file(exportPath, inside: shard.directory) { sources.append((exportPath, file)) }
                }
            }
            return sources
        }
        var sources: [String: String] = [:]
        sources.reserveCapacity(found.reduce(0) { $0 + $1.count })
        // In case order, so a path met twice keeps the last case's file, as one loop would.
        for (path, file) in found.joined() { sources[path] = file }
        return sources
    }

    /// Each case of the merged `suite` (flamegraph paths assigned) as its shard's results.json
    /// holds it, when merging left it as it was (no notice added, the same page path); in the
    /// order of the suite's cases, for ``JSONResults/render(_:written:)``.
    func caseJSON(in suite: SuiteResult) -> [ArraySlice<UInt8>?] {
        suite.cases.map { item in
            guard let shard = written[Key(target: item.target, name: item.name)], let json = shard.json,
                shard.findings == item.findings, shard.page == item.flamegraphPath
            else { return nil }
            return json
        }
    }

    /// Decodes whole, from its shard's bytes, each case of the merged `suite` that is rendered or
    /// encoded again: its page is not in `reused`, or its `written` entry (``caseJSON(in:)``) is
    /// nil. Shards are decoded without what only pages and results.json show
    /// (``ShardResultsDecoding``); a case without bytes came from a shard decoded whole.
    func completeCases(in suite: inout SuiteResult, reused: [String: String], written: [ArraySlice<UInt8>?]) throws {
        for index in suite.cases.indices {
            let pageRendered = suite.cases[index].flamegraphPath.map { reused[$0] == nil } ?? false
            guard written[index] == nil || pageRendered,
                let shard = self.written[Key(target: suite.cases[index].target, name: suite.cases[index].name)],
                let json = shard.json
            else { continue }
            do {
                suite.cases[index] = try ShardResultsDecoding.completeCase(suite.cases[index], from: json)
            } catch {
                // A field only this whole decoding reads is malformed: bad input, as when the
                // shard is read (exit 2, naming the shard and the case).
                throw MemgateFailure(
                    description:
                        "merge: \(shard.directory): case \(suite.cases[index].target) \(suite.cases[index].name): \(error)",
                    code: ExitStatus.usage)
            }
        }
    }

    /// `relativePath` under `directory` when it names a regular file there that stays inside it.
    private static func file(_ relativePath: String, inside directory: String) -> String? {
        guard !relativePath.hasPrefix("/"), !relativePath.split(separator: "/").contains("..") else { return nil }
        let path = directory + "/" + relativePath
        var status = stat()
        // lstat: a symbolic link is not followed out of the shard.
        guard lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { return nil }
        return path
    }

    /// Hard-links `source` to `destination` (replacing it), or copies it when a link cannot be
    /// made (another file system, a file system without links).
    static func place(_ from: String, at to: String) throws {
        // Linked first: the destination is almost always new, and 50 000 unlinks cost.
        if link(from, to) == 0 { return }
        if errno == EEXIST {
            unlink(to)
            if link(from, to) == 0 { return }
        }
        try FileManager.default.copyItem(atPath: from, toPath: to)
    }
}
