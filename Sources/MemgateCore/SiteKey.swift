import Foundation

/// Identity of an allocation site across runs: `function @ file`.
///
/// Line numbers are deliberately not part of the key, so an edit that shifts lines does not
/// make a site look new in a baseline comparison.
public struct SiteKey: Hashable, Codable, Sendable, Comparable, CustomStringConvertible {
    public var function: String
    public var file: String

    public init(function: String, file: String) {
        self.function = function
        self.file = file
    }

    /// Parses the `function @ file` form used in baselines.
    public init(_ text: String) {
        if let range = text.range(of: " @ ", options: .backwards) {
            function = String(text[..<range.lowerBound])
            file = String(text[range.upperBound...])
        } else {
            function = text
            file = ""
        }
    }

    public var description: String { file.isEmpty ? function : "\(function) @ \(file)" }

    public static func < (lhs: SiteKey, rhs: SiteKey) -> Bool { lhs.description < rhs.description }
}
