/// Errors of the XML reporters (JUnit rendering and XSD validation).
public enum XMLReportError: Error, CustomStringConvertible, Equatable {
    /// One problem reported by libxml2, with the 1-based line it was found on (0 when unknown).
    public struct Issue: Hashable, Sendable, CustomStringConvertible {
        /// 1-based line in the document (or schema) where libxml2 found the problem; 0 when unknown.
        public var line: Int
        /// libxml2's message, trimmed, e.g. "Element 'testcase': The attribute 'time' is required but missing."
        public var message: String

        /// - Parameters:
        ///   - line: 1-based line, 0 when unknown.
        ///   - message: what is wrong.
        public init(line: Int, message: String) {
            self.line = line
            self.message = message
        }

        /// `line 4: message`, or the bare message when the line is unknown.
        public var description: String { line > 0 ? "line \(line): \(message)" : message }
    }

    /// libxml2 refused to build or serialize the document (out of memory, in practice).
    case serializationFailed(String)
    /// The schema file could not be read or is not a valid XSD.
    case schemaUnusable(path: String, issues: [Issue])
    /// The document is not well-formed XML.
    case notWellFormed(issues: [Issue])
    /// The document is well-formed but does not conform to the schema.
    case invalid(schemaPath: String, issues: [Issue])

    /// A sentence for people, listing every issue on its own line.
    public var description: String {
        switch self {
        case .serializationFailed(let what):
            return "libxml2 could not \(what); the report was not written"
        case .schemaUnusable(let path, let issues):
            return "schema \(path) is unusable:\n" + Self.list(issues)
        case .notWellFormed(let issues):
            return "document is not well-formed XML:\n" + Self.list(issues)
        case .invalid(let path, let issues):
            return "document does not conform to \(path):\n" + Self.list(issues)
        }
    }

    private static func list(_ issues: [Issue]) -> String {
        issues.isEmpty ? "  (no details from libxml2)" : issues.map { "  \($0)" }.joined(separator: "\n")
    }
}
