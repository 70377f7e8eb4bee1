import Foundation

/// Lexical path arithmetic for config paths: no file system access, no symlink resolution,
/// so results are predictable in tests and identical on every machine.
enum ConfigPath {
    /// `path` made absolute against the process's working directory, then normalised.
    static func absolute(_ path: String) -> String {
        resolve(path, against: FileManager.default.currentDirectoryPath)
    }

    /// `path` if absolute, else `base/path`; normalised either way.
    static func resolve(_ path: String, against base: String) -> String {
        normalize(path.hasPrefix("/") ? path : base + "/" + path)
    }

    /// An absolute path without `.` components, `..` components, or repeated and trailing `/`.
    /// `..` at the root stays at the root, as in the kernel.
    static func normalize(_ path: String) -> String {
        var components: [Substring] = []
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch component {
            case ".": continue
            case "..": _ = components.popLast()
            default: components.append(component)
            }
        }
        return "/" + components.joined(separator: "/")
    }

    /// The directory containing `path` (`/` for `/` and for top-level entries).
    static func directory(of path: String) -> String {
        let normalized = normalize(path)
        guard let slash = normalized.lastIndex(of: "/"), slash != normalized.startIndex else {
            return "/"
        }
        return String(normalized[..<slash])
    }

    /// Whether normalised `path` is `root` or below it, comparing whole components.
    static func isInside(_ path: String, root: String) -> Bool {
        root == "/" || path == root || path.hasPrefix(root + "/")
    }

    /// `path` and `root` with symlinks resolved, when resolving shows `path` outside `root`;
    /// nil when it stays inside (or cannot be resolved).
    static func escape(of path: String, from root: String) -> (real: String, realRoot: String)? {
        guard let real = realPath(path), let realRoot = realPath(root), !isInside(real, root: realRoot) else {
            return nil
        }
        return (real, realRoot)
    }

    /// `path` with every symlink resolved: the nearest existing ancestor through `realpath(3)`,
    /// the rest appended as written (it does not exist yet). Nil when nothing can be resolved.
    static func realPath(_ path: String) -> String? {
        var existing = normalize(path)
        var rest: [String] = []
        while true {
            if let resolved = realpath(existing, nil) {
                defer { free(resolved) }
                let base = String(cString: resolved)
                return rest.isEmpty ? base : normalize(base + "/" + rest.reversed().joined(separator: "/"))
            }
            guard existing != "/" else { return nil }
            rest.append(String(existing[existing.index(after: existing.lastIndex(of: "/")!)...]))
            existing = directory(of: existing)
        }
    }
}
