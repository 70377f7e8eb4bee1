import Foundation
import MemgateCore

#if canImport(Glibc)
    import Glibc
#endif

/// Reads the environment fingerprint a baseline is tied to.
public enum EnvironmentProbe {
    /// libc and architecture of this machine, plus the Python version of `interpreter` when given.
    public static func fingerprint(interpreter: String?, environment: [String: String]) -> EnvironmentFingerprint {
        EnvironmentFingerprint(
            python: interpreter.flatMap { pythonVersion($0, environment: environment) },
            libc: libcVersion(), arch: architecture())
    }

    static func libcVersion() -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        let length = confstr(Int32(_CS_GNU_LIBC_VERSION), &buffer, buffer.count)
        guard length > 0 else { return "unknown" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func architecture() -> String {
        var info = utsname()
        uname(&info)
        return withUnsafeBytes(of: &info.machine) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    private static let cache = VersionCache()

    static func pythonVersion(_ interpreter: String, environment: [String: String]) -> String? {
        if let known = cache.get(interpreter) { return known }
        guard let path = ExecutableLocator.find(interpreter, environment: environment),
            let result = CommandOutput.run(
                path, arguments: ["-c", "import platform; print(platform.python_version())"]),
            result.status == 0
        else { return nil }
        let version = String(decoding: result.output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        cache.set(interpreter, version)
        return version
    }
}

final class VersionCache: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [String: String] = [:]
    func get(_ key: String) -> String? { lock.lock(); defer { lock.unlock() }; return values[key] }
    func set(_ key: String, _ value: String) { lock.lock(); values[key] = value; lock.unlock() }
}
