import Foundation
import Yams

/// Reads `ci/memgate.yml` into a ``SuiteConfig``, or explains precisely what is wrong.
///
/// Every error is a ``ConfigError`` with the file, line, column and key path of the offending
/// node, a valid example for bad values, and the nearest valid key for typos.
public enum ConfigLoader {
    static let topLevelKeys = ["version", "baselines", "defaults", "targets"]
    static let defaultBaselines = "Baselines"

    /// Reads and parses the config file at `path`.
    ///
    /// - Parameter path: absolute or relative to the working directory; kept as given for messages.
    /// - Throws: ``ConfigError`` with line 0 when the file cannot be read, else as ``parse(yaml:path:)``.
    public static func load(path: String) throws(ConfigError) -> SuiteConfig {
        let unreadable = { (reason: String) in
            ConfigError(file: path, line: 0, column: 0, keyPath: "", message: "cannot read the config file: \(reason)")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw unreadable("no such file")
        }
        guard !isDirectory.boolValue else { throw unreadable("it is a directory, expected a YAML file") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw unreadable("permission denied or I/O error")
        }
        guard let yaml = String(data: data, encoding: .utf8) else {
            throw unreadable("it is not UTF-8 text")
        }
        return try parse(
            yaml: yaml, path: path, repositoryRoot: gitRoot(above: ConfigPath.absolute(path)),
            resolvingSymlinks: true)
    }

    /// The nearest directory above `path` holding `.git`, if any.
    static func gitRoot(above path: String) -> String? {
        var directory = ConfigPath.directory(of: path)
        while directory != "/" && !directory.isEmpty {
            if FileManager.default.fileExists(atPath: directory + "/.git") { return directory }
            directory = ConfigPath.directory(of: directory)
        }
        return nil
    }

    /// Parses config YAML. Relative paths in it are resolved against the directory of `path`.
    ///
    /// - Parameters:
    ///   - yaml: the file's contents.
    ///   - path: where the file is (absolute, or relative to the working directory); used for
    ///     messages and to resolve `baselines` and `cwd`. The file is not read.
    ///   - repositoryRoot: where baselines may live (the git checkout); defaults to the config
    ///     directory's parent.
    ///   - resolvingSymlinks: also check the baselines directory with symlinks resolved (reads
    ///     the file system), so a symlink cannot lead baseline writes out of the repository.
    public static func parse(
        yaml: String, path: String, repositoryRoot: String? = nil, resolvingSymlinks: Bool = false
    ) throws(ConfigError) -> SuiteConfig {
        let root = ConfigNode(node: try composeDocument(yaml: yaml, path: path), file: path, keyPath: "")
        let entries = try root.entries(
            allowed: topLevelKeys, what: "the config", example: "\"version: 1\" followed by \"targets:\"")
        let version = try readVersion(entries, root: root)
        let configDirectory = ConfigPath.directory(of: ConfigPath.absolute(path))
        let baselines = try readBaselines(
            entries["baselines"]?.value, configDirectory: configDirectory,
            repositoryRoot: repositoryRoot ?? ConfigPath.directory(of: configDirectory),
            resolvingSymlinks: resolvingSymlinks, file: path)

        let defaults: TargetSettings
        if let defaultsEntry = entries["defaults"] {
            let defaultsEntries = try defaultsEntry.value.entries(
                allowed: TargetSettings.keys, what: "defaults", example: "\"tolerance: 5%\"",
                misplaced: Dictionary(
                    uniqueKeysWithValues: targetOnlyKeys.map {
                        ($0, "it can only be set on a target")
                    }))
            defaults = try TargetSettings(entries: defaultsEntries)
        } else {
            defaults = TargetSettings()
        }

        guard let targetsEntry = entries["targets"] else {
            throw root.error(
                "missing required key 'targets'; add a list such as \"targets: [{name: app, python: app.py}]\"")
        }
        let targets = try readTargets(targetsEntry.value, defaults: defaults, configDirectory: configDirectory)
        return SuiteConfig(
            version: version, configPath: path, configDirectory: configDirectory,
            baselinesDirectory: baselines, targets: targets)
    }

    private static func readVersion(_ entries: [ConfigNode.Entry], root: ConfigNode) throws(ConfigError) -> Int {
        guard let entry = entries["version"] else {
            throw root.error("missing required key 'version'; add \"version: 1\" as the first line")
        }
        let version = try entry.value.integer(minimum: 0, expected: "the format version 1")
        guard version == 1 else {
            throw entry.value.error("unsupported version \(version); this memgate reads version 1")
        }
        return 1
    }

    /// The absolute baselines directory, which must stay inside the repository root because
    /// baselines are written there.
    private static func readBaselines(
        _ node: ConfigNode?, configDirectory: String, repositoryRoot: String, resolvingSymlinks: Bool,
        file: String
    ) throws(ConfigError) -> String {
        guard let node else {
            let resolved = ConfigPath.resolve(defaultBaselines, against: configDirectory)
            if resolvingSymlinks, let (real, realRoot) = ConfigPath.escape(of: resolved, from: repositoryRoot) {
                throw ConfigError(
                    file: file, line: 0, column: 0, keyPath: "baselines",
                    message: "the default baselines directory \(resolved) is a symlink to \(real), outside the "
                        + "repository root \(realRoot); baselines are written there, so keep them inside")
            }
            return resolved
        }
        let text = try node.string(expected: "a directory relative to the config file such as \"Baselines\"")
        guard !text.hasPrefix("/") else {
            throw node.error("baselines must be relative to the config file, found the absolute path '\(text)'")
        }
        let resolved = ConfigPath.resolve(text, against: configDirectory)
        guard ConfigPath.isInside(resolved, root: repositoryRoot) else {
            throw node.error(
                "'\(text)' resolves to \(resolved), outside the repository root \(repositoryRoot); "
                    + "baselines are written there, so keep them inside")
        }
        if resolvingSymlinks, let (real, realRoot) = ConfigPath.escape(of: resolved, from: repositoryRoot) {
            throw node.error(
                "'\(text)' resolves through a symlink to \(real), outside the repository root \(realRoot); "
                    + "baselines are written there, so keep them inside")
        }
        return resolved
    }

    private static func readTargets(
        _ node: ConfigNode, defaults: TargetSettings, configDirectory: String
    ) throws(ConfigError) -> [TargetConfig] {
        guard case .sequence(let sequence) = node.node, !sequence.isEmpty else {
            let found = node.node.sequence?.isEmpty == true ? "an empty list" : node.kindDescription
            throw node.error(
                "expected a non-empty list of targets such as \"[{name: app, python: app.py}]\", found \(found)")
        }
        var targets: [TargetConfig] = []
        // Lowercased names, so two names differing only in case cannot share a baseline file
        // on a case-insensitive file system.
        var firstByName: [String: (name: String, line: Int)] = [:]
        for (index, item) in sequence.enumerated() {
            let targetNode = node.element(item, index: index)
            let (target, nameNode) = try readTarget(targetNode, defaults: defaults, configDirectory: configDirectory)
            if let first = firstByName[target.name.lowercased()] {
                let message =
                    first.name == target.name
                    ? "duplicate target name '\(target.name)'; the first is on line \(first.line)"
                    : "target name '\(target.name)' differs from '\(first.name)' on line \(first.line) only in case; "
                        + "their baseline files would collide"
                throw nameNode.error(message)
            }
            firstByName[target.name.lowercased()] = (target.name, nameNode.line)
            targets.append(target)
        }
        return targets
    }
}
