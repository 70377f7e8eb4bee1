/// A problem in a config file, pointing at the file, line, column and key that caused it.
///
/// Its description reads like a compiler diagnostic, so editors and CI logs link to the spot:
/// `ci/memgate.yml:7:5: targets[1].limt: unknown key 'limt'; did you mean 'limit'?`
public struct ConfigError: Error, CustomStringConvertible, Hashable, Sendable {
    /// The config file's path, as given to the loader.
    public var file: String
    /// 1-based line of the offending node; 0 when the file itself could not be read.
    public var line: Int
    /// 1-based column (in Unicode scalars) of the offending node; 0 when `line` is 0.
    public var column: Int
    /// Where in the document, e.g. `targets[2].limit` (sequence indices are 0-based);
    /// empty for the document as a whole.
    public var keyPath: String
    /// What is wrong and, for bad values, an example of a valid one.
    public var message: String
    /// The nearest valid key or value, shown as "did you mean '…'?", when one is close.
    public var suggestion: String?

    /// Creates an error; see the properties for the meaning of each part.
    public init(
        file: String, line: Int, column: Int, keyPath: String, message: String,
        suggestion: String? = nil
    ) {
        self.file = file
        self.line = line
        self.column = column
        self.keyPath = keyPath
        self.message = message
        self.suggestion = suggestion
    }

    /// `file:line:column: keyPath: message; did you mean 'x'?`, leaving out the parts that are
    /// unknown (no position when the file could not be read, no key path for the document).
    public var description: String {
        var text = line > 0 ? "\(file):\(line):\(column): " : "\(file): "
        if !keyPath.isEmpty { text += "\(keyPath): " }
        text += message
        if let suggestion { text += "; did you mean '\(suggestion)'?" }
        return text
    }
}
