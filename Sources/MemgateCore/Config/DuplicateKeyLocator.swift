import Yams

/// Points a duplicated-key error at the *second* occurrence and names its key path.
///
/// Yams rejects a mapping with a repeated key but reports only the first occurrence's
/// position and no tree. The locator renames that first occurrence (inserting a marker at the
/// exact position Yams gave, which keeps every other position intact), composes again, finds
/// the renamed key in the tree, and takes the next key with the same text in the same mapping,
/// whose position Yams records exactly. Other duplicates found along the way are renamed too
/// until the document composes. If anything unexpected happens it falls back to the first
/// occurrence, which is still a correct position.
struct DuplicateKeyLocator {
    static let marker = "memgate-renamed-duplicate-"
    /// A document cannot need more renames than this without being generated garbage.
    static let maximumRenames = 64

    let yaml: String
    let file: String

    /// The error for `key`, first seen at `firstMark`.
    func error(key: String, firstMark: Mark) -> ConfigError {
        let fallback = ConfigError(
            file: file, line: firstMark.line, column: firstMark.column, keyPath: "",
            message: "duplicate key '\(key)'")
        var text = yaml
        var mark = firstMark
        var insertions: [Insertion] = []
        for round in 0..<Self.maximumRenames {
            let insertion = "\(Self.marker)\(round)-"
            guard let renamed = Self.insert(insertion, at: mark, in: text) else { return fallback }
            text = renamed
            insertions.append(Insertion(line: mark.line, column: mark.column, length: insertion.unicodeScalars.count))
            do {
                guard let root = try Yams.compose(yaml: text),
                    var found = locate(key: key, firstMark: firstMark, in: root, path: "")
                else { return fallback }
                found.column = Self.originalColumn(line: found.line, column: found.column, insertions: insertions)
                return found
            } catch YamlError.duplicatedKeysInMapping(_, let context) {
                mark = context.mark
            } catch {
                return fallback
            }
        }
        return fallback
    }

    /// Depth-first search for the mapping holding the first renamed key.
    private func locate(key: String, firstMark: Mark, in node: Node, path: String) -> ConfigError? {
        switch node {
        case .mapping(let mapping):
            let pairs = Array(mapping)
            if let renamedIndex = pairs.firstIndex(where: { $0.key.string?.hasPrefix("\(Self.marker)0-") == true }) {
                let second = pairs[(renamedIndex + 1)...].first { Self.originalKey($0.key.string ?? "") == key }
                let mark = second?.key.mark ?? firstMark
                return ConfigError(
                    file: file, line: mark.line, column: mark.column,
                    keyPath: path.isEmpty ? key : "\(path).\(key)",
                    message: "duplicate key '\(key)'; the first is on line \(firstMark.line)")
            }
            for pair in pairs {
                let name = Self.originalKey(pair.key.string ?? "?")
                let childPath = path.isEmpty ? name : "\(path).\(name)"
                if let found = locate(key: key, firstMark: firstMark, in: pair.value, path: childPath) {
                    return found
                }
            }
        case .sequence(let sequence):
            for (index, item) in sequence.enumerated() {
                if let found = locate(key: key, firstMark: firstMark, in: item, path: "\(path)[\(index)]") {
                    return found
                }
            }
        case .scalar, .alias:
            break
        }
        return nil
    }

    /// Where a marker went in (positions in the text as it was at that time).
    private struct Insertion {
        let line: Int
        let column: Int
        let length: Int
    }

    /// A column in the renamed text mapped back to the original text, undoing the markers
    /// inserted earlier on the same line (flow mappings such as `{A: 1, A: 2}`).
    private static func originalColumn(line: Int, column: Int, insertions: [Insertion]) -> Int {
        var column = column
        for insertion in insertions.reversed() where insertion.line == line && insertion.column < column {
            column -= insertion.length
        }
        return column
    }

    /// A key's text without the rename marker and the quotes it then kept (`"limit"` → `limit`).
    static func originalKey(_ text: String) -> String {
        guard text.hasPrefix(marker) else { return text }
        var rest = text.dropFirst(marker.count).drop { DecimalText.digitValue($0) != nil }
        rest = rest.dropFirst()  // the "-" after the round number
        if rest.count >= 2, let first = rest.first, first == rest.last, first == "\"" || first == "'" {
            rest = rest.dropFirst().dropLast()
        }
        return String(rest)
    }

    /// `text` with `insertion` placed at 1-based `mark` (columns in Unicode scalars, as libyaml
    /// counts them), or nil when the mark is outside the text.
    static func insert(_ insertion: String, at mark: Mark, in text: String) -> String? {
        var scalars = text.unicodeScalars
        var index = scalars.startIndex
        var line = 1
        while line < mark.line {
            guard let newline = scalars[index...].firstIndex(of: "\n") else { return nil }
            index = scalars.index(after: newline)
            line += 1
        }
        guard let target = scalars.index(index, offsetBy: mark.column - 1, limitedBy: scalars.endIndex) else {
            return nil
        }
        scalars.insert(contentsOf: insertion.unicodeScalars, at: target)
        return String(scalars)
    }
}
