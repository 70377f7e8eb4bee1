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

    /// The fields, shared by every copy of the frame: a capture's stacks repeat a few thousand
    /// distinct frames millions of times (a scipy import: 2.4 M frames), so a copy is one
    /// reference (8 bytes, one retain) instead of five strings and optionals (about 100 bytes,
    /// up to four retains). Setting a field gives this copy fields of its own.
    private var storage: Storage

    /// Function name for people and site keys: a Python qualname, a native symbol in its
    /// readable form (Swift as `swift demangle --simplified` prints it, C++ without default
    /// template arguments), or `module+0xoffset` for a native frame without a symbol.
    public var function: String {
        get { storage.fields.function }
        set { update { $0.function = newValue } }
    }
    /// The full demangled native symbol, when it differs from `function` (JSON, tooltips).
    public var symbol: String? {
        get { storage.fields.symbol }
        set { update { $0.symbol = newValue } }
    }
    /// Source file, when known.
    public var file: String? {
        get { storage.fields.file }
        set { update { $0.file = newValue } }
    }
    /// Source line (1-based), when known.
    public var line: Int? {
        get { storage.fields.line }
        set { update { $0.line = newValue } }
    }
    /// Shared object or executable path for native frames.
    public var module: String? {
        get { storage.fields.module }
        set { update { $0.module = newValue } }
    }
    /// For a native frame no symbol was found for: the return address relative to its
    /// module's load bias (the link-time address), the same on every run despite ASLR.
    public var moduleOffset: UInt64? {
        get { storage.fields.moduleOffset }
        set { update { $0.moduleOffset = newValue } }
    }
    public var kind: Kind {
        get { storage.fields.kind }
        set { update { $0.kind = newValue } }
    }
    /// For a process frame: the process id.
    public var pid: Int? {
        get { storage.fields.pid }
        set { update { $0.pid = newValue } }
    }

    /// A frame's values; its synthesized Hashable and Codable are the frame's.
    private struct Fields: Hashable, Codable, Sendable {
        var function: String
        var symbol: String?
        var file: String?
        var line: Int?
        var module: String?
        var moduleOffset: UInt64?
        var kind: Kind
        var pid: Int?

        enum CodingKeys: String, CodingKey {
            case function, symbol, file, line, module, moduleOffset, kind, pid
        }
    }

    /// Immutable, so copies of a frame may share it across threads.
    private final class Storage: Sendable {
        let fields: Fields
        init(_ fields: Fields) { self.fields = fields }
    }

    /// Names the fields this copy shares: copies with one identity are equal (as long as one of
    /// them lives, no other frame takes it).
    var sharedIdentity: ObjectIdentifier { ObjectIdentifier(storage) }

    /// Replaces this copy's fields with `change` applied to them.
    private mutating func update(_ change: (inout Fields) -> Void) {
        var fields = storage.fields
        change(&fields)
        storage = Storage(fields)
    }

    public init(
        function: String, symbol: String? = nil, file: String? = nil, line: Int? = nil, module: String? = nil,
        moduleOffset: UInt64? = nil, kind: Kind
    ) {
        storage = Storage(
            Fields(
                function: function, symbol: symbol, file: file, line: line, module: module,
                moduleOffset: moduleOffset, kind: kind, pid: nil))
    }

    public init(from decoder: Decoder) throws {
        storage = Storage(try Fields(from: decoder))
    }

    public func encode(to encoder: Encoder) throws {
        try storage.fields.encode(to: encoder)
    }

    public static func == (lhs: Frame, rhs: Frame) -> Bool {
        lhs.storage === rhs.storage || lhs.storage.fields == rhs.storage.fields
    }

    public func hash(into hasher: inout Hasher) {
        storage.fields.hash(into: &hasher)
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
