import Foundation

/// A temporary directory for one test: its config, scripts, baselines and artifacts.
/// Removed when the value is released.
final class Workspace {
    let url: URL

    /// Creates an empty directory named after the test, under the system temporary directory.
    init(_ name: String) throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("memgate-e2e-\(name)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// The absolute URL of `relativePath` inside the workspace.
    func path(_ relativePath: String) -> URL { url.appendingPathComponent(relativePath) }

    /// Writes `text` to `relativePath`, creating directories as needed.
    @discardableResult
    func write(_ text: String, to relativePath: String) throws -> URL {
        let file = path(relativePath)
        try FileManager.default.createDirectory(
            at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: file)
        return file
    }

    /// Copies `Tests/Fixtures/EndToEnd/<fixture>` to `relativePath` (default: same name).
    @discardableResult
    func copyFixture(_ fixture: String, to relativePath: String? = nil) throws -> URL {
        let destination = path(relativePath ?? fixture)
        try FileManager.default.createDirectory(
            at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: RepositoryLayout.fixtures.appendingPathComponent(fixture), to: destination)
        return destination
    }

    func exists(_ relativePath: String) -> Bool {
        FileManager.default.fileExists(atPath: path(relativePath).path)
    }
}
