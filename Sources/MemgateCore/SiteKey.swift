import Foundation

/// Identity of an allocation site across runs: `function @ file`, and `[program] function @ file`
/// when the target is several processes (the program's name, never its pid, which changes).
///
/// Line numbers are deliberately not part of the key, so an edit that shifts lines does not
/// make a site look new in a baseline comparison.
public struct SiteKey: Hashable, Codable, Sendable, Comparable, CustomStringConvertible {
    public var function: String
    public var file: String
    /// The program of the process the site is in, for multi-process targets; nil otherwise.
    public var process: String?

    public init(function: String, file: String, process: String? = nil) {
        self.function = function
        self.file = file
        self.process = process
    }

    /// The key of a site whose allocating frame is `frame`: its readable function name and its
    /// source file, else its module; a frame without a symbol is keyed by its
    /// `module+0xoffset` name alone, so neither ASLR nor the checkout path changes the key.
    public init(frame: Frame) {
        function = frame.function
        file = frame.moduleOffset != nil ? "" : frame.file ?? frame.module ?? ""
    }

    /// Parses the `[program] function @ file` form used in baselines (the program part optional).
    public init(_ text: String) {
        var text = Substring(text)
        process = nil
        if text.hasPrefix("["), let close = text.range(of: "] ") {
            process = String(text[text.index(after: text.startIndex)..<close.lowerBound])
            text = text[close.upperBound...]
        }
        if let range = text.range(of: " @ ", options: .backwards) {
            function = String(text[..<range.lowerBound])
            file = String(text[range.upperBound...])
        } else {
            function = String(text)
            file = ""
        }
    }

    public var description: String {
        let site = file.isEmpty ? function : "\(function) @ \(file)"
        return process.map { "[\($0)] \(site)" } ?? site
    }

    public static func < (lhs: SiteKey, rhs: SiteKey) -> Bool { lhs.description < rhs.description }
}
