import Foundation

/// Reads LeakSanitizer-style suppression files (`suppressions:` in the config): one
/// `leak:pattern` or `alloc:pattern` a line, `#` comments and blank lines ignored, so teams can
/// reuse the files they keep for LeakSanitizer.
enum SuppressionFile {
    static let kinds: [String: SuppressionRule.Kind] = ["leak": .leak, "alloc": .alloc]
    static let example = "\"leak:libfoo.so\" or \"alloc:^vendor_init$\""

    /// The `suppressions:` list: each file read and parsed; a file that cannot be read is an
    /// error at its list entry, a bad line an error at that line of the file.
    static func load(_ node: ConfigNode) throws(ConfigError) -> [SuppressionRule] {
        guard case .sequence(let sequence) = node.node else {
            throw node.error(
                "expected a list of suppression files such as [\"lsan.supp\"], found \(node.kindDescription)")
        }
        var rules: [SuppressionRule] = []
        for (index, item) in sequence.enumerated() {
            let entry = node.element(item, index: index)
            let written = try entry.string(
                expected: "a suppression file relative to the config file such as \"lsan.supp\"")
            let absolute = ConfigPath.resolve(
                written, against: ConfigPath.directory(of: ConfigPath.absolute(node.file)))
            guard let data = FileManager.default.contents(atPath: absolute),
                let text = String(data: data, encoding: .utf8)
            else {
                throw entry.error(
                    "cannot read the suppression file \(absolute): no such file, not readable, or not UTF-8")
            }
            rules += try parse(text, path: displayPath(written, configFile: node.file))
        }
        return rules
    }

    /// The rules of one file's text, in order.
    /// - Parameter path: how messages and rule origins name the file.
    static func parse(_ text: String, path: String) throws(ConfigError) -> [SuppressionRule] {
        var rules: [SuppressionRule] = []
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        for (index, rawLine) in lines.enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            let fail = { (message: String) in
                ConfigError(file: path, line: index + 1, column: 1, keyPath: "", message: message)
            }
            guard let colon = line.firstIndex(of: ":") else {
                throw fail("expected type:pattern such as \(example), found \"\(line)\"")
            }
            let type = String(line[..<colon])
            let pattern = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            guard let kind = kinds[type] else {
                throw fail(
                    "unknown suppression type '\(type)'; memgate reads 'leak:' (not a leak) and 'alloc:' (left out of "
                        + "every figure), e.g. \(example)")
            }
            guard !pattern.isEmpty else { throw fail("'\(type):' needs a pattern, e.g. \(example)") }
            rules.append(SuppressionRule(kind: kind, pattern: pattern, origin: "\(path):\(index + 1)"))
        }
        return rules
    }

    /// `written` as seen from where the config path was given: `ci/lsan.supp` for `lsan.supp`
    /// next to `ci/memgate.yml`.
    private static func displayPath(_ written: String, configFile: String) -> String {
        guard !written.hasPrefix("/"), let slash = configFile.lastIndex(of: "/") else { return written }
        return String(configFile[...slash]) + written
    }
}
