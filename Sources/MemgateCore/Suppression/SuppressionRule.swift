#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One pattern that takes allocations out of a case's figures: an `ignore:` glob of the config,
/// or a `leak:` / `alloc:` line of a LeakSanitizer-style suppression file.
public struct SuppressionRule: Hashable, Codable, Sendable {
    /// What a match removes.
    public enum Kind: String, Codable, Sendable {
        /// `ignore:` glob (fnmatch, `*` also crosses `/`): the stack's allocations are left out of
        /// every figure. Matched against each frame's function and file.
        case ignore
        /// `leak:` (LeakSanitizer): the stack's bytes still live at the end are not leaks; its
        /// peak, total and count stay. Matched against function, file and module.
        case leak
        /// `alloc:`: the stack's allocations are left out of every figure, as `ignore:`, with
        /// LeakSanitizer's pattern syntax.
        case alloc
    }

    public var kind: Kind
    /// The pattern as written (for LeakSanitizer kinds: a substring, `*` wildcards, `^`/`$` anchors).
    public var pattern: String
    /// Where the rule was written: `ci/lsan.supp:3`, or `ci/memgate.yml:12` for an `ignore:` glob.
    public var origin: String

    enum CodingKeys: String, CodingKey {
        case kind, pattern, origin
    }

    public init(kind: Kind, pattern: String, origin: String) {
        self.kind = kind
        self.pattern = pattern
        self.origin = origin
    }

    /// `leak:libfoo.so`, or `ignore:*/vendor/*`: how the rule reads in reports.
    public var text: String { "\(kind.rawValue):\(pattern)" }

    /// Whether a match takes the stack's allocations out of every figure (not only its leaks).
    public var removesAllocations: Bool { kind != .leak }

    /// Whether any Python or native frame of `frames` matches.
    public func matches(_ frames: [Frame]) -> Bool {
        frames.contains { frame in
            guard frame.kind != .process else { return false }
            return candidates(of: frame).contains { fnmatch(globPattern, $0, 0) == 0 }
        }
    }

    /// The names a frame is matched by: function (readable and full), file, and for
    /// LeakSanitizer kinds also the module, as LeakSanitizer matches them.
    private func candidates(of frame: Frame) -> [String] {
        var names = [frame.function]
        if let symbol = frame.symbol, symbol != frame.function { names.append(symbol) }
        if let file = frame.file { names.append(file) }
        if kind != .ignore, let module = frame.module { names.append(module) }
        return names
    }

    /// The fnmatch pattern: a glob as written, or a LeakSanitizer pattern turned into one (a
    /// substring match unless anchored, `*` kept, every other glob character taken literally).
    var globPattern: String {
        guard kind != .ignore else { return pattern }
        var body = Substring(pattern)
        let anchoredStart = body.hasPrefix("^")
        if anchoredStart { body = body.dropFirst() }
        let anchoredEnd = body.hasSuffix("$")
        if anchoredEnd { body = body.dropLast() }
        var glob = anchoredStart ? "" : "*"
        for character in body {
            if "?[]\\".contains(character) { glob.append("\\") }
            glob.append(character)
        }
        return glob + (anchoredEnd ? "" : "*")
    }
}
