/// Byte counts for people, as used in gate findings and baseline change lines.
///
/// Binary units (1 KiB = 1024 B) with one decimal, e.g. `512 B`, `100.0 KiB`, `120.2 MiB`.
/// Kept local to the gate so verdict messages do not change when the config's unit
/// formatter evolves.
public enum BytesText {

    /// `512 B` under 1 KiB, else one decimal in the largest unit that keeps the value
    /// under 1024 (GiB at most): 102400 → `100.0 KiB`. Negative counts keep their sign.
    static func format(_ bytes: Int64) -> String {
        bytes < 0 ? "-" + format(magnitude: bytes.magnitude) : format(magnitude: bytes.magnitude)
    }

    /// A signed delta: `+1.0 MiB`, `-512 B`; zero is `±0 B`, as in every report.
    public static func signed(_ bytes: Int64) -> String {
        if bytes == 0 { return "±0 B" }
        return (bytes > 0 ? "+" : "-") + format(magnitude: bytes.magnitude)
    }

    /// A fraction as a signed percentage with one decimal: 1.0 → `+100.0%`, -0.5 → `-50.0%`.
    public static func signedPercent(_ fraction: Double) -> String {
        let tenths = (fraction * 1000).rounded()
        if tenths == 0 { return "±0.0%" }
        return (tenths > 0 ? "+" : "-") + oneDecimal(tenthsMagnitude: tenths.magnitude) + "%"
    }

    /// A fraction as a signed whole percentage: 1.0 → `+100%`, 0.054 → `+5%`.
    static func signedWholePercent(_ fraction: Double) -> String {
        let whole = (fraction * 100).rounded()
        if whole == 0 { return "±0%" }
        return (whole > 0 ? "+" : "-") + formatWhole(whole.magnitude) + "%"
    }

    /// A fraction as an unsigned percentage, whole when it is whole: 0.05 → `5%`, 0.025 → `2.5%`.
    static func percent(_ fraction: Double) -> String {
        let tenths = (fraction * 1000).rounded().magnitude
        if tenths.truncatingRemainder(dividingBy: 10) == 0 { return formatWhole(tenths / 10) + "%" }
        return oneDecimal(tenthsMagnitude: tenths) + "%"
    }

    private static func format(magnitude: UInt64) -> String { ByteSize.format(Int64(clamping: magnitude)) }

    private static func oneDecimal(tenthsMagnitude tenths: Double) -> String {
        let whole = (tenths / 10).rounded(.down)
        let decimal = tenths - whole * 10
        return "\(formatWhole(whole)).\(Int(decimal))"
    }

    /// Whole numbers print without a fraction; absurd magnitudes (a growth from 1 B to
    /// exabytes) fall back to Double's own text rather than trapping on Int64 conversion.
    private static func formatWhole(_ value: Double) -> String {
        value < 9.0e18 ? String(Int64(value)) : String(value)
    }
}
