import Foundation

/// Finds executables on PATH and next to other executables.
public enum ExecutableLocator {
    /// The first executable file named `name` on `PATH` (or `name` itself when it contains a slash).
    public static func find(_ name: String, environment: [String: String] = ProcessInfo.processInfo.environment)
        -> String?
    {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        for directory in (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// A toolchain tool memgate runs: `$variable` when set and not empty, else `name` on PATH,
    /// else next to `swift`.
    static func tool(_ name: String, overriddenBy variable: String, environment: [String: String]) -> String? {
        if let explicit = environment[variable], !explicit.isEmpty { return explicit }
        return find(name, environment: environment) ?? sibling(name, of: "swift", environment: environment)
    }

    /// An executable named `name` in the directory of `anchor` found on PATH (symlinks
    /// resolved), e.g. the toolchain's `llvm-symbolizer` next to `swift`.
    public static func sibling(
        _ name: String, of anchor: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> String? {
        guard let anchorPath = find(anchor, environment: environment) else { return nil }
        let candidate = URL(fileURLWithPath: anchorPath).resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent(name).path
        return FileManager.default.isExecutableFile(atPath: candidate) ? candidate : nil
    }

    /// Directory of the running memgate executable.
    public static var ownDirectory: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
            .standardizedFileURL
    }
}
