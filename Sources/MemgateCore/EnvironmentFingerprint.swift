/// What a measurement depends on besides the code: warned about when it differs from a
/// baseline's, never silently compared across.
public struct EnvironmentFingerprint: Hashable, Codable, Sendable {
    /// e.g. "3.11.7", or nil for native targets.
    public var python: String?
    /// e.g. "glibc 2.36".
    public var libc: String
    /// e.g. "x86_64".
    public var arch: String

    enum CodingKeys: String, CodingKey {
        case python, libc, arch
    }

    public init(python: String?, libc: String, arch: String) {
        self.python = python
        self.libc = libc
        self.arch = arch
    }
}
