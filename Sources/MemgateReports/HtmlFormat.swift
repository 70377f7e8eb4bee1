import Foundation
import MemgateCore

/// Human-readable figures for the HTML reports, in the units the config uses
/// (binary: 1 KiB = 1024 B). The page's JavaScript formats the same way.
enum HtmlFormat {

    /// `512 B`, `1.5 KiB`, `120.3 MiB`.
    static func bytes(_ value: Int64) -> String { ByteSize.format(value) }

    /// `+1.5 KiB`, `-512 B`, `±0 B`.
    static func signedBytes(_ value: Int64) -> String { ReportFigures.signedBytes(value) }

    /// A signed percentage with one decimal, e.g. `+12.5%`; nil when the base is zero.
    static func signedPercent(_ delta: Int64, of base: Int64) -> String? {
        ReportFigures.percentChange(from: base, to: base &+ delta)
    }

    /// Seconds as `850 ms` or `12.3 s`.
    static func duration(seconds: Double) -> String {
        seconds < 1 ? String(format: "%.0f ms", seconds * 1000) : String(format: "%.1f s", seconds)
    }

    /// A count with thousands separators, e.g. `1,234,567`.
    static func count(_ value: Int64) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { grouped += "," }
            grouped.append(digit)
        }
        return (value < 0 ? "-" : "") + grouped
    }
}
