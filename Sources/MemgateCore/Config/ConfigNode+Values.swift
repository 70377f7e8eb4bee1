import Yams

/// Typed reads of config values; each failure shows a valid example of the expected value.
extension ConfigNode {
    static let sizeExample = "a size such as \"100 KB\" or \"1.5 MiB\""
    static let durationExample = "a duration such as \"120s\", \"2m\" or \"500ms\""
    static let toleranceExample = "a growth such as \"5%\" or 0.05"

    /// The text of a scalar (quoted or not), rejecting lists, mappings and null.
    func scalarText(expected: String) throws(ConfigError) -> String {
        guard case .scalar(let scalar) = node, !(scalar.style == .plain && node.null != nil) else {
            throw error("expected \(expected), found \(kindDescription)")
        }
        return scalar.string
    }

    /// A non-empty string.
    func string(expected: String) throws(ConfigError) -> String {
        let text = try scalarText(expected: expected)
        guard !text.isEmpty else { throw error("expected \(expected), found an empty string") }
        return text
    }

    /// A byte size in pytest-memray units (`100 KB` = 102 400 bytes).
    func byteSize() throws(ConfigError) -> Int64 {
        let text = try scalarText(expected: Self.sizeExample)
        do {
            return try ByteSize.parse(text)
        } catch {
            throw self.error(error.description)
        }
    }

    /// A strictly positive duration in seconds.
    func durationSeconds() throws(ConfigError) -> Double {
        let text = try scalarText(expected: Self.durationExample)
        let seconds: Double
        do {
            seconds = try DurationParser.parseSeconds(text)
        } catch {
            throw self.error(error.description)
        }
        guard seconds > 0 else {
            throw error("a timeout of \(text) would stop every run at once; expected \(Self.durationExample)")
        }
        return seconds
    }

    /// A growth tolerance: `5%` (a percentage) or `0.05` (a fraction, at most 1).
    ///
    /// A bare number above 1 is rejected rather than read as a fraction, because `tolerance: 5`
    /// almost always means 5 %, not 500 %.
    func toleranceFraction() throws(ConfigError) -> Double {
        let text = DecimalText.trimmed(try scalarText(expected: Self.toleranceExample))
        let isPercent = text.hasSuffix("%")
        let numberText = isPercent ? DecimalText.trimmed(String(text.dropLast())) : text
        guard let number = DecimalText(prefixOf: numberText), number.length == numberText.count else {
            throw error("invalid tolerance \"\(text)\"; expected \(Self.toleranceExample)")
        }
        if isPercent { return number.doubleValue / 100 }
        guard number.doubleValue <= 1 else {
            let percent = number.doubleValue * 100
            let percentText = percent < 1e15 && percent == percent.rounded() ? "\(Int64(percent))" : "\(percent)"
            throw error(
                "tolerance \(text) is a fraction, i.e. \(percentText) % growth; write percentages with '%'",
                suggestion: "\(text)%")
        }
        return number.doubleValue
    }

    /// A whole number of at least `minimum` (digits, optionally grouped with `_`).
    func integer(minimum: Int64, maximum: Int64 = .max, expected: String) throws(ConfigError) -> Int64 {
        let text = DecimalText.trimmed(try scalarText(expected: expected))
        let digits = text.filter { $0 != "_" }
        guard let first = text.first, DecimalText.digitValue(first) != nil,
            digits.allSatisfy({ DecimalText.digitValue($0) != nil }), let value = Int64(digits)
        else {
            throw error("expected \(expected), found \(kindDescription)")
        }
        guard value >= minimum, value <= maximum else { throw error("expected \(expected), found \(value)") }
        return value
    }

    /// `true` or `false`.
    func bool() throws(ConfigError) -> Bool {
        guard case .scalar = node, let value = node.bool else {
            throw error("expected true or false, found \(kindDescription)")
        }
        return value
    }

    /// A list of strings (`[a, b]` or one `- item` per line).
    func stringList(expected: String, allowEmpty: Bool) throws(ConfigError) -> [String] {
        guard case .sequence(let sequence) = node else {
            throw error("expected \(expected), found \(kindDescription)")
        }
        guard allowEmpty || !sequence.isEmpty else {
            throw error("expected \(expected), found an empty list")
        }
        var strings: [String] = []
        for (index, item) in sequence.enumerated() {
            strings.append(try element(item, index: index).string(expected: "a string"))
        }
        return strings
    }

    /// A mapping of environment variable names to values (`{NAME: value}`).
    func environment() throws(ConfigError) -> [String: String] {
        let example = "{PYTHONHASHSEED: \"0\"}"
        guard case .mapping(let mapping) = node else {
            throw error("expected environment variables as a mapping such as \(example), found \(kindDescription)")
        }
        var environment: [String: String] = [:]
        for (keyNode, valueNode) in mapping {
            let name = try ConfigNode(node: keyNode, file: file, keyPath: keyPath)
                .string(expected: "a variable name such as PYTHONHASHSEED")
            let located = child(keyNode, key: name)
            guard !name.contains("="), !name.contains("\0") else {
                throw located.error("environment variable name '\(name)' must not contain '=' or NUL")
            }
            // Values are taken as written (`PORT: 8080` → "8080"); an empty quoted string is allowed.
            environment[name] = try child(valueNode, key: name)
                .scalarText(expected: "a value such as \"0\"")
        }
        return environment
    }
}
