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

    /// The key of a site whose allocating frame is `frame`: its readable function name and its
    /// source file, else its module; a frame without a symbol is keyed by its
    /// `module+0xoffset` name alone, so neither ASLR nor the checkout path changes the key.
    public init(frame: Frame) {
        function = frame.function
        file = frame.moduleOffset != nil ? "" : frame.file ?? frame.module ?? ""
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
