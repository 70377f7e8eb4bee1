/// Why a baseline could not be read, written or placed. Every case names the file and says
/// what to do about it.
public enum BaselineError: Error, Equatable, CustomStringConvertible {
    /// The file was written by a newer (or unknown) memgate.
    case unsupportedFormatVersion(path: String, found: Int, supported: Int)
    /// The file is not JSON, or not shaped like a baseline; `detail` names the key.
    case malformed(path: String, detail: String)
    /// A figure is out of range (e.g. a negative byte count); `key` is its key path.
    case invalidValue(path: String, key: String, detail: String)
    /// The file exists but could not be read.
    case unreadable(path: String, detail: String)
    /// The file could not be written.
    case writeFailed(path: String, detail: String)
    /// A target name that cannot name a baseline file.
    case invalidTargetName(String)
    /// The computed path would leave the baselines directory.
    case outsideDirectory(path: String, directory: String)

    private static let refreshHint =
        "fix the file, or delete it and run `memgate run --update-baselines` to record it again"

    /// A minimal valid baseline, shown when a file is malformed.
    static let example = """
        {"formatVersion": 1, "name": "parser", "peakBytes": 1048576, "totalBytes": 4194304, \
        "allocationCount": 1200, "bytesAtEnd": 0, "sites": {"parse @ parser.c": \
        {"bytesAtPeak": 524288, "allocationsAtPeak": 12, "line": 42}}, \
        "environment": {"libc": "glibc 2.36", "arch": "x86_64"}}
        """

    public var description: String {
        switch self {
        case .unsupportedFormatVersion(let path, let found, let supported):
            return "\(path): unsupported baseline formatVersion \(found) (this memgate reads version \(supported)); "
                + "upgrade memgate, or run `memgate run --update-baselines` to rewrite it"
        case .malformed(let path, let detail):
            return "\(path): not a valid baseline: \(detail); \(BaselineError.refreshHint). "
                + "A valid baseline looks like: \(BaselineError.example)"
        case .invalidValue(let path, let key, let detail):
            return "\(path): invalid value at `\(key)`: \(detail); \(BaselineError.refreshHint)"
        case .unreadable(let path, let detail):
            return "\(path): cannot read baseline: \(detail)"
        case .writeFailed(let path, let detail):
            return "\(path): cannot write baseline: \(detail)"
        case .invalidTargetName(let name):
            return "target name \"\(name)\" cannot name a baseline file; "
                + "use letters, digits, '.', '_' and '-' only (not \".\" or \"..\")"
        case .outsideDirectory(let path, let directory):
            return "refusing baseline path \(path): it is outside the baselines directory \(directory)"
        }
    }
}
