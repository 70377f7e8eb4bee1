import Foundation
import MemgateCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The committed baselines on disk: `<directory>/<target>.json` for a plain target and
/// `<directory>/<target>/<safe case name>.json` for each test of a pytest target.
///
/// Every path is checked to stay inside `directory` (lexically and after resolving symlinks),
/// and writes are atomic (a temporary file in the same directory, then `rename(2)`), so an
/// interrupted `--update-baselines` never leaves a half-written baseline.
public struct BaselineStore: Sendable {
    /// The baselines directory (`baselines:` in the config, resolved against the config file).
    public let directory: URL

    /// - Parameter directory: the baselines directory; it need not exist until the first save.
    public init(directory: URL) {
        self.directory = directory.standardizedFileURL
    }

    /// Where the baseline of a case lives.
    ///
    /// - Parameters:
    ///   - target: the configured target name (`[A-Za-z0-9._-]+`, not `.` or `..`).
    ///   - caseName: a pytest node id, or nil for the target itself.
    /// - Throws: `BaselineError.invalidTargetName`, or `.outsideDirectory` if the path would escape.
    public func url(forTarget target: String, caseName: String?) throws -> URL {
        guard BaselineFileName.isSafeTargetName(target) else { throw BaselineError.invalidTargetName(target) }
        let candidate: URL
        if let caseName {
            candidate = directory.appendingPathComponent(target, isDirectory: true)
                .appendingPathComponent(BaselineFileName.safeFileName(forCase: caseName) + ".json")
        } else {
            candidate = directory.appendingPathComponent(target + ".json")
        }
        let standardized = candidate.standardizedFileURL
        guard BaselineStore.path(standardized.path, isInside: directory.path) else {
            throw BaselineError.outsideDirectory(path: standardized.path, directory: directory.path)
        }
        return standardized
    }

    /// Loads the baseline of a case, or nil when none has been recorded.
    ///
    /// - Throws: `BaselineError` when the file exists but cannot be read or decoded.
    public func load(target: String, caseName: String?) throws -> Baseline? {
        let url = try url(forTarget: target, caseName: caseName)
        // Checked before looking for the file, so a symlink out of the directory is reported
        // rather than read or mistaken for "no baseline yet".
        if FileManager.default.fileExists(atPath: url.deletingLastPathComponent().path) {
            try checkResolvedParent(of: url)
        }
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        return try load(file: url)
    }

    /// Reads and decodes one baseline file inside the directory.
    func load(file url: URL) throws -> Baseline {
        try checkResolvedParent(of: url)
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw BaselineError.unreadable(path: url.path, detail: "\(error.localizedDescription)")
        }
        return try BaselineCodec.decode(data, path: url.path)
    }

    /// Writes the baseline of a case atomically, creating directories as needed.
    ///
    /// - Throws: `BaselineError` when the path is unsafe or the file cannot be written.
    public func save(_ baseline: Baseline, target: String, caseName: String?) throws {
        let url = try url(forTarget: target, caseName: caseName)
        let data = try BaselineCodec.encode(baseline)
        let parent = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        } catch {
            throw BaselineError.writeFailed(path: url.path, detail: "\(error.localizedDescription)")
        }
        try checkResolvedParent(of: url)
        let temporary = parent.appendingPathComponent(".\(url.lastPathComponent).tmp-\(UUID().uuidString)")
        do {
            try data.write(to: temporary, options: .withoutOverwriting)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw BaselineError.writeFailed(path: url.path, detail: "\(error.localizedDescription)")
        }
        // rename(2) replaces the destination atomically; readers see the old or the new file.
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw BaselineError.writeFailed(path: url.path, detail: reason)
        }
    }

    /// A symlinked subdirectory could point elsewhere even when the path looks inside, so the
    /// parent is resolved and checked again; only once it exists, as resolving a missing path
    /// is not reliable (e.g. `/tmp` → `/private/tmp` on macOS).
    private func checkResolvedParent(of url: URL) throws {
        let root = directory.resolvingSymlinksInPath().path
        let parent = url.deletingLastPathComponent().resolvingSymlinksInPath().path
        guard parent == root || BaselineStore.path(parent, isInside: root) else {
            throw BaselineError.outsideDirectory(path: url.path, directory: directory.path)
        }
    }

    /// Whether `path` lies strictly inside `directory` (both standardized, absolute).
    static func path(_ path: String, isInside directory: String) -> Bool {
        let root = directory.hasSuffix("/") ? directory : directory + "/"
        return path.hasPrefix(root) && path.count > root.count
    }
}
