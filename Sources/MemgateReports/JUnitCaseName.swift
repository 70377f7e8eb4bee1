import MemgateCore

/// The `classname` and `name` a case gets in JUnit XML.
///
/// A pytest test follows pytest's own `--junitxml` convention, so CI servers group memgate's
/// cases exactly as they group pytest's: `classname` is the dotted module path plus any test
/// classes (`tests/test_fib.py::TestFib::test_x[1-2]` → `tests.test_fib.TestFib`) and `name`
/// is the test name with its parameters (`test_x[1-2]`). Any other case (a configured target,
/// or a pytest target that failed as a whole) has the target name as both `classname` and
/// `name`; the `<testsuite>` around it is named after the target too.
struct JUnitCaseName: Hashable {
    var className: String
    var name: String

    init(className: String, name: String) {
        self.className = className
        self.name = name
    }

    /// The JUnit naming of `result` (see the type's documentation).
    init(_ result: CaseResult) {
        self = Self.pytest(nodeID: result.name) ?? JUnitCaseName(className: result.target, name: result.name)
    }

    /// pytest's naming of a node id, or nil when `nodeID` is not one (it has no `::`).
    static func pytest(nodeID: String) -> JUnitCaseName? {
        nodeID.utf8.allSatisfy({ $0 < 0x80 }) ? pytestASCII(nodeID: nodeID) : pytestCharacters(nodeID: nodeID)
    }

    /// ``pytest(nodeID:)`` of any node id, by characters.
    static func pytestCharacters(nodeID: String) -> JUnitCaseName? {
        // Parameters may contain "::" or "/", so they are split off first, as pytest does.
        let bracket = nodeID.firstIndex(of: "[") ?? nodeID.endIndex
        let path = nodeID[..<bracket]
        let parameters = nodeID[bracket...]
        var parts = path.components(separatedBy: "::")
        guard parts.count >= 2 else { return nil }
        var module = parts[0].replacingOccurrences(of: "/", with: ".")
        if module.hasSuffix(".py") { module.removeLast(3) }
        parts[0] = module
        let name = parts.removeLast() + parameters
        return JUnitCaseName(className: parts.joined(separator: "."), name: name)
    }

    /// ``pytest(nodeID:)`` of an ASCII node id, on its bytes: Foundation's `components` and
    /// `replacingOccurrences` took a third of rendering a merge's JUnit. In ASCII every byte is a
    /// character (no character spans `:` or `/`; `\r\n`, the one ASCII pair that is one
    /// character, involves neither), so splitting and replacing bytes gives the same strings.
    private static func pytestASCII(nodeID: String) -> JUnitCaseName? {
        let bytes = Array(nodeID.utf8)
        let bracket = bytes.firstIndex(of: UInt8(ascii: "[")) ?? bytes.endIndex
        // The path's parts between "::" separators, found left to right without overlap.
        var parts: [ArraySlice<UInt8>] = []
        var start = 0
        var index = 0
        while index + 1 < bracket {
            if bytes[index] == UInt8(ascii: ":"), bytes[index + 1] == UInt8(ascii: ":") {
                parts.append(bytes[start..<index])
                index += 2
                start = index
            } else {
                index += 1
            }
        }
        parts.append(bytes[start..<bracket])
        guard parts.count >= 2 else { return nil }
        var module = String(decoding: parts[0].map { $0 == UInt8(ascii: "/") ? UInt8(ascii: ".") : $0 }, as: UTF8.self)
        if module.hasSuffix(".py") { module.removeLast(3) }
        let name = String(decoding: parts.removeLast() + bytes[bracket...], as: UTF8.self)
        let classes = parts.dropFirst().map { String(decoding: $0, as: UTF8.self) }
        return JUnitCaseName(className: ([module] + classes).joined(separator: "."), name: name)
    }
}
