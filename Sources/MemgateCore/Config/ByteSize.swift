/// Byte sizes as people write them in config files, with pytest-memray's units.
///
/// `KB`, `MB`, `GB` and `TB` are powers of 1024, exactly like pytest-memray's `limit_memory`
/// marker, so a limit copied from a pytest marker means the same here. The IEC spellings
/// `KiB`, `MiB`, `GiB`, `TiB` are accepted as synonyms.
public enum ByteSize {
    /// Every unit `parse` accepts, in the order they are listed in error messages.
    public static let unitNames = ["B", "KB", "MB", "GB", "TB", "KiB", "MiB", "GiB", "TiB"]

    /// Reads a size: an integer or decimal number, optional spaces, an optional unit (any case).
    ///
    /// `100 KB` is 102 400 bytes, `1.5MB` is 1 572 864; a bare number is bytes; fractional
    /// bytes round down. The arithmetic is exact (no floating point), so `0.1 KB` is 102.
    /// - Throws: ``ByteSizeError`` for negative, empty, exponent or NaN text, an unknown unit,
    ///   or a size beyond `Int64.max`.
    public static func parse(_ text: String) throws(ByteSizeError) -> Int64 {
        let trimmed = DecimalText.trimmed(text)
        guard let number = DecimalText(prefixOf: trimmed) else { throw .malformed(text: text) }
        let unitText = DecimalText.trimmed(String(trimmed.dropFirst(number.length)))
        guard unitText.allSatisfy({ $0.isASCII && $0.isLetter }) else { throw .malformed(text: text) }
        guard let factor = factor(ofUnit: unitText) else {
            throw .unknownUnit(text: text, unit: unitText)
        }
        guard let bytes = number.multiplied(by: factor) else { throw .tooLarge(text: text) }
        return bytes
    }

    /// Formats bytes for people: `512 B` below 1 KiB, else one decimal with KiB/MiB/GiB/TiB.
    ///
    /// 102 400 → `100.0 KiB`, 126 000 000 → `120.2 MiB`; negative values get a leading `-`.
    public static func format(_ bytes: Int64) -> String {
        let sign = bytes < 0 ? "-" : ""
        let magnitude = bytes.magnitude
        if magnitude < 1024 { return "\(sign)\(magnitude) B" }
        let units = ["KiB", "MiB", "GiB", "TiB"]
        var unitIndex = 0
        while unitIndex < units.count - 1, magnitude >= UInt64(1) << (10 * (unitIndex + 2)) {
            unitIndex += 1
        }
        var tenths = tenthsOf(magnitude, shift: 10 * (unitIndex + 1))
        // 1 048 575 B would otherwise print as "1024.0 KiB".
        if tenths >= 10_240, unitIndex < units.count - 1 {
            unitIndex += 1
            tenths = tenthsOf(magnitude, shift: 10 * (unitIndex + 1))
        }
        return "\(sign)\(tenths / 10).\(tenths % 10) \(units[unitIndex])"
    }

    /// `value / 2^shift` in tenths, rounded half up.
    private static func tenthsOf(_ value: UInt64, shift: Int) -> UInt64 {
        let scaled = Double(value) / Double(UInt64(1) << shift) * 10
        return UInt64(scaled.rounded(.toNearestOrAwayFromZero))
    }

    /// Bytes per unit, or nil when the unit is not one of ``unitNames`` (case-insensitive).
    static func factor(ofUnit unit: String) -> Int64? {
        switch unit.lowercased() {
        case "", "b": 1
        case "kb", "kib": 1 << 10
        case "mb", "mib": 1 << 20
        case "gb", "gib": 1 << 30
        case "tb", "tib": 1 << 40
        default: nil
        }
    }
}
