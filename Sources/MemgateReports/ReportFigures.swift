import Foundation

/// Formats figures for people. Bytes: "512 B" below 1 KiB, else one decimal in KiB, MiB or GiB
/// (binary units, 102400 → "100.0 KiB").
enum ReportFigures {
    private static let units = ["KiB", "MiB", "GiB"]

    /// - Parameter bytes: a byte count; negative counts keep their sign.
    static func bytes(_ bytes: Int64) -> String {
        let magnitude = bytes.magnitude
        let sign = bytes < 0 ? "-" : ""
        if magnitude < 1024 { return "\(sign)\(magnitude) B" }
        var value = Double(magnitude) / 1024
        var unitIndex = 0
        // Move up a unit when rounding would print "1024.0".
        while unitIndex < units.count - 1, (value * 10).rounded() / 10 >= 1024 {
            value /= 1024
            unitIndex += 1
        }
        return sign + String(format: "%.1f ", value) + units[unitIndex]
    }

    /// A delta with an explicit sign: "+1.5 KiB", "-512 B", "±0 B".
    static func signedBytes(_ delta: Int64) -> String {
        if delta == 0 { return "±0 B" }
        return delta > 0 ? "+" + bytes(delta) : bytes(delta)
    }

    /// A relative change with an explicit sign and one decimal: "+5.0%"; nil when `base` is 0.
    static func percentChange(from base: Int64, to value: Int64) -> String? {
        guard base != 0 else { return nil }
        let percent = Double(value - base) / Double(base) * 100
        return (percent >= 0 ? "+" : "") + String(format: "%.1f%%", percent)
    }

    /// Seconds with a fixed number of decimals, never negative or non-finite.
    static func seconds(_ seconds: Double, decimals: Int) -> String {
        let value = seconds.isFinite && seconds > 0 ? seconds : 0
        return String(format: "%.\(decimals)f", value)
    }
}
