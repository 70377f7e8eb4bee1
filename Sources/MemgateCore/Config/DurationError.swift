/// Why a duration such as `120s` could not be read.
public enum DurationError: Error, CustomStringConvertible, Hashable, Sendable {
    /// The text is not a number followed by an optional unit (empty, negative, exponent, NaN…).
    case malformed(text: String)
    /// The number is fine but the unit is not one of ``DurationParser/unitNames``.
    case unknownUnit(text: String, unit: String)

    /// The text that failed to parse, as given.
    public var text: String {
        switch self {
        case .malformed(let text), .unknownUnit(let text, _): text
        }
    }

    /// What is wrong, without the list of valid units.
    public var problem: String {
        switch self {
        case .malformed(let text): "invalid duration \"\(text)\""
        case .unknownUnit(let text, let unit): "invalid duration \"\(text)\": unknown unit \"\(unit)\""
        }
    }

    /// One sentence naming the text, what is wrong, and the valid units.
    public var description: String {
        "\(problem); expected a duration such as \"120s\", \"2m\" or \"500ms\" "
            + "(units: \(DurationParser.unitNames.joined(separator: ", ")); a bare number is seconds)"
    }
}
