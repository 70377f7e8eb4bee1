import Yams

/// A YAML node with the file and key path that lead to it, so every typed read can fail with
/// a ``ConfigError`` pointing at the exact line, column and key.
struct ConfigNode {
    /// One `key: value` pair of a mapping, in document order.
    struct Entry {
        /// The key's text.
        let key: String
        /// The key node (its position is where unknown-key errors point).
        let keyNode: ConfigNode
        /// The value node.
        let value: ConfigNode
    }

    let node: Node
    /// The config file, as given to the loader.
    let file: String
    /// Where the node sits, e.g. `targets[1].limit`; empty for the root.
    let keyPath: String

    /// 1-based position of the node (Yams always records one when composing).
    var line: Int { node.mark?.line ?? 1 }
    var column: Int { node.mark?.column ?? 1 }

    /// An error at this node's position and key path.
    func error(_ message: String, suggestion: String? = nil) -> ConfigError {
        ConfigError(
            file: file, line: line, column: column, keyPath: keyPath, message: message,
            suggestion: suggestion)
    }

    /// The node for `key` under this one.
    func child(_ node: Node, key: String) -> ConfigNode {
        ConfigNode(node: node, file: file, keyPath: keyPath.isEmpty ? key : "\(keyPath).\(key)")
    }

    /// The node at `index` (0-based) of this sequence.
    func element(_ node: Node, index: Int) -> ConfigNode {
        ConfigNode(node: node, file: file, keyPath: "\(keyPath)[\(index)]")
    }

    /// How the node reads in "found …" messages.
    var kindDescription: String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let scalar):
            if scalar.style == .plain, node.null != nil { return "nothing (null)" }
            return "\"\(scalar.string)\""
        }
    }

    /// The pairs of this mapping in document order, rejecting keys not in `allowed`.
    ///
    /// - Parameters:
    ///   - what: the mapping's role for messages, e.g. "a target".
    ///   - example: a short valid mapping, shown when this node is not a mapping at all.
    ///   - misplaced: keys that are valid elsewhere, with the reason they do not belong here.
    func entries(
        allowed: [String], what: String, example: String, misplaced: [String: String] = [:]
    ) throws(ConfigError) -> [Entry] {
        guard case .mapping(let mapping) = node else {
            throw error("expected \(what) as a mapping such as \(example), found \(kindDescription)")
        }
        var entries: [Entry] = []
        for (keyNode, valueNode) in mapping {
            let keyConfig = ConfigNode(node: keyNode, file: file, keyPath: keyPath)
            guard case .scalar(let scalar) = keyNode else {
                throw keyConfig.error("keys must be plain words, found \(keyConfig.kindDescription)")
            }
            let key = scalar.string
            let located = child(keyNode, key: key)
            if let reason = misplaced[key] {
                throw located.error("'\(key)' is not allowed in \(what): \(reason)")
            }
            guard allowed.contains(key) else {
                let suggestion = KeySuggestion.nearest(to: key, among: allowed)
                throw located.error(
                    "unknown key '\(key)'"
                        + (suggestion == nil ? " (valid keys: \(allowed.joined(separator: ", ")))" : ""),
                    suggestion: suggestion)
            }
            entries.append(Entry(key: key, keyNode: located, value: child(valueNode, key: key)))
        }
        return entries
    }
}

extension Array where Element == ConfigNode.Entry {
    /// The entry for `key`, if present.
    subscript(key: String) -> ConfigNode.Entry? {
        first { $0.key == key }
    }
}
