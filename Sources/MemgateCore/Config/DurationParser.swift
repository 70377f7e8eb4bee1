/// Durations as people write them in config files (`timeout: 120s`).
public enum DurationParser {
    /// Every unit `parseSeconds` accepts (any case), in the order error messages list them.
    public static let unitNames = ["ms", "s", "m", "h"]

    /// Reads a duration: an integer or decimal number, optional spaces, an optional unit.
    ///
    /// `120s` → 120, `2m` → 120, `1.5 s` → 1.5, `500ms` → 0.5, `1h` → 3600; a bare number is
    /// seconds. Zero is accepted here; callers that need a positive value check it.
    /// - Returns: The duration in seconds.
    /// - Throws: ``DurationError`` for negative, empty, exponent or NaN text or an unknown unit.
    public static func parseSeconds(_ text: String) throws(DurationError) -> Double {
        let trimmed = DecimalText.trimmed(text)
        guard let number = DecimalText(prefixOf: trimmed) else { throw .malformed(text: text) }
        let unit = DecimalText.trimmed(String(trimmed.dropFirst(number.length)))
        guard unit.allSatisfy({ $0.isASCII && $0.isLetter }) else { throw .malformed(text: text) }
        let value = number.doubleValue
        let seconds: Double
        // Dividing by 1000 (not multiplying by 0.001) keeps `500ms` exactly 0.5.
        switch unit.lowercased() {
        case "", "s": seconds = value
        case "ms": seconds = value / 1000
        case "m": seconds = value * 60
        case "h": seconds = value * 3600
        default: throw .unknownUnit(text: text, unit: unit)
        }
        guard seconds.isFinite else { throw .malformed(text: text) }
        return seconds
    }
}
