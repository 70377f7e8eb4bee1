import Foundation
import MemgateCore

/// Formats figures for people. Bytes: "512 B" below 1 KiB, else one decimal in KiB, MiB or GiB
/// (binary units, 102400 → "100.0 KiB").
enum ReportFigures {

    /// - Parameter bytes: a byte count; negative counts keep their sign.
    static func bytes(_ bytes: Int64) -> String { ByteSize.format(bytes) }

    /// A delta with an explicit sign: "+1.5 KiB", "-512 B", "±0 B" (the gate's own wording).
    static func signedBytes(_ delta: Int64) -> String { BytesText.signed(delta) }

    /// A relative change with an explicit sign and one decimal: "+5.0%", "±0.0%"; nil when `base` is 0.
    static func percentChange(from base: Int64, to value: Int64) -> String? {
        guard base != 0 else { return nil }
        return BytesText.signedPercent(Double(value - base) / Double(base))
    }

    /// Seconds with a fixed number of decimals, never negative or non-finite.
    static func seconds(_ seconds: Double, decimals: Int) -> String {
        let value = seconds.isFinite && seconds > 0 ? seconds : 0
        return String(format: "%.\(decimals)f", value)
    }
}
