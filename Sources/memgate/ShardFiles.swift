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
        var directory: URL
        var page: String?
        var findings: [Finding]
        /// The shard wrote exports (`profiles/`): only then are they looked for, case by case.
        var hasExports: Bool
    }

    private var written: [Key: Written] = [:]

    /// Remembers what each shard of `inputs` wrote; `directories` are the shards' artifact
    /// directories, in the order of `inputs`.
    init(inputs: [ShardMerge.Input], directories: [URL]) {
        written.reserveCapacity(inputs.reduce(0) { $0 + $1.suites.reduce(0) { $0 + $1.cases.count } })
        for (input, directory) in zip(inputs, directories) {
            let hasExports = FileManager.default.fileExists(atPath: directory.appendingPathComponent("profiles").path)
            for suite in input.suites {
                for item in suite.cases {
                    written[Key(target: item.target, name: item.name)] = Written(
                        directory: directory, page: item.flamegraphPath, findings: item.findings,
                        hasExports: hasExports)
                }
            }
        }
    }

    /// For each case of the merged `suite` (flamegraph paths assigned) whose shard wrote its page
    /// or exports, where each file is now, keyed by its path in the merged artifacts. Exports
    /// depend on the profile alone, which merging never changes; a page also shows the findings.
    func reusable(in suite: SuiteResult) -> [String: URL] {
        var sources: [String: URL] = [:]
        for item in suite.cases {
            guard let path = item.flamegraphPath, let shard = written[Key(target: item.target, name: item.name)]
            else { continue }
            if shard.findings == item.findings, let page = shard.page,
                let pageFile = Self.file(page, inside: shard.directory)
            {
                sources[path] = pageFile
            }
            // Exports are named after the page (`profiles/<target>/<case>.<ext>`), in both places.
            for export in ProfileExport.allCases where shard.hasExports {
                let exportPath = export.path(of: item)
                if let file = Self.file(exportPath, inside: shard.directory) { sources[exportPath] = file }
            }
        }
        return sources
    }

    /// `relativePath` under `directory` when it names a regular file there that stays inside it.
    private static func file(_ relativePath: String, inside directory: URL) -> URL? {
        guard !relativePath.hasPrefix("/"), !relativePath.split(separator: "/").contains("..") else { return nil }
        let url = directory.appendingPathComponent(relativePath)
        var status = stat()
        // lstat: a symbolic link is not followed out of the shard.
        guard lstat(url.path, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { return nil }
        return url
    }

    /// Hard-links `source` to `destination` (replacing it), or copies it when a link cannot be
    /// made (another file system, a file system without links).
    static func place(_ source: URL, at destination: URL) throws {
        unlink(destination.path)
        if link(source.path, destination.path) == 0 { return }
        try FileManager.default.copyItem(at: source, to: destination)
    }
}
