/// Why a size such as `100 KB` could not be read.
public enum ByteSizeError: Error, CustomStringConvertible, Hashable, Sendable {
    /// The text is not a number followed by an optional unit (empty, negative, exponent, NaN…).
    case malformed(text: String)
    /// The number is fine but the unit is not one of ``ByteSize/unitNames``.
    case unknownUnit(text: String, unit: String)
    /// The size does not fit in 63 bits of bytes.
    case tooLarge(text: String)

    /// The text that failed to parse, as given.
    public var text: String {
        switch self {
        case .malformed(let text), .unknownUnit(let text, _), .tooLarge(let text): text
        }
    }

    /// What is wrong, without the list of valid units.
    public var problem: String {
        switch self {
        case .malformed(let text): "invalid size \"\(text)\""
        case .unknownUnit(let text, let unit): "invalid size \"\(text)\": unknown unit \"\(unit)\""
        case .tooLarge(let text): "size \"\(text)\" is too large"
        }
    }

    /// One sentence naming the text, what is wrong, and the valid units.
    public var description: String {
        "\(problem); expected a size such as \"100 KB\" or \"1.5 MiB\" "
            + "(units: \(ByteSize.unitNames.joined(separator: ", ")); a bare number is bytes)"
    }
}
