/// One frame of an allocation stack, after symbolization.
public struct Frame: Hashable, Codable, Sendable {
    /// Where a frame comes from: the Python shadow stack or a native unwind.
    public enum Kind: String, Codable, Sendable {
        case python
        case native
    }

    /// Function name: a Python qualname or a demangled native symbol (`??` when unknown).
    public var function: String
    /// Source file, when known.
    public var file: String?
    /// Source line (1-based), when known.
    public var line: Int?
    /// Shared object or executable path for native frames.
    public var module: String?
    public var kind: Kind

    enum CodingKeys: String, CodingKey {
        case function, file, line, module, kind
    }

    public init(function: String, file: String? = nil, line: Int? = nil, module: String? = nil, kind: Kind) {
        self.function = function
        self.file = file
        self.line = line
        self.module = module
        self.kind = kind
    }

    /// `function (file:line)` for people.
    public var displayName: String {
        guard let file else { return function }
        if let line { return "\(function) (\(file):\(line))" }
        return "\(function) (\(file))"
    }
}
