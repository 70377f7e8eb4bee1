/// One frame of an allocation stack, after symbolization.
public struct Frame: Hashable, Codable, Sendable {
    /// Where a frame comes from: the Python shadow stack or a native unwind.
    public enum Kind: String, Codable, Sendable {
        case python
        case native
        /// The outermost frame of a stack in a multi-process target: names the process
        /// (`function` = program name, `module` = its executable, `pid`).
        case process
    }

    /// Function name for people and site keys: a Python qualname, a native symbol in its
    /// readable form (Swift as `swift demangle --simplified` prints it, C++ without default
    /// template arguments), or `module+0xoffset` for a native frame without a symbol.
    public var function: String
    /// The full demangled native symbol, when it differs from `function` (JSON, tooltips).
    public var symbol: String?
    /// Source file, when known.
    public var file: String?
    /// Source line (1-based), when known.
    public var line: Int?
    /// Shared object or executable path for native frames.
    public var module: String?
    /// For a native frame no symbol was found for: the return address relative to its
    /// module's load bias (the link-time address), the same on every run despite ASLR.
    public var moduleOffset: UInt64?
    public var kind: Kind
    /// For a process frame: the process id.
    public var pid: Int?

    enum CodingKeys: String, CodingKey {
        case function, symbol, file, line, module, moduleOffset, kind, pid
    }

    public init(
        function: String, symbol: String? = nil, file: String? = nil, line: Int? = nil, module: String? = nil,
        moduleOffset: UInt64? = nil, kind: Kind
    ) {
        self.function = function
        self.symbol = symbol
        self.file = file
        self.line = line
        self.module = module
        self.moduleOffset = moduleOffset
        self.kind = kind
    }

    /// A native frame without a symbol, named `module+0xoffset` (the module's file name).
    /// - Parameters:
    ///   - modulePath: the shared object or executable holding the address.
    ///   - offset: the address minus the module's load bias.
    public static func unsymbolized(modulePath: String, offset: UInt64) -> Frame {
        // The last path component, found without splitting the whole path: this runs once per
        // native frame word of a capture, and splitting made most of `memgate record`'s time.
        let slash = modulePath.utf8.lastIndex(of: UInt8(ascii: "/"))
        let moduleName = slash.map { String(modulePath[modulePath.utf8.index(after: $0)...]) } ?? modulePath
        return Frame(
            function: "\(moduleName)+0x\(String(offset, radix: 16))", module: modulePath, moduleOffset: offset,
            kind: .native)
    }

    /// The full symbol when there is one, else the display name.
    public var fullFunction: String { symbol ?? function }

    /// `function (file:line)` for people.
    public var displayName: String {
        guard let file else { return function }
        if let line { return "\(function) (\(file):\(line))" }
        return "\(function) (\(file))"
    }
}
