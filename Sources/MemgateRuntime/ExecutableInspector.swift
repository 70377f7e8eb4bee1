import Foundation

/// Tells why LD_PRELOAD cannot reach a program: it is statically linked (no ELF interpreter,
/// so no dynamic loader ever reads LD_PRELOAD) or set-user/group-ID (the loader ignores
/// LD_PRELOAD for it). Reads only the ELF header and program headers.
public enum ExecutableInspector {
    /// Whether LD_PRELOAD reaches a program.
    public enum Reach: Equatable, Sendable {
        /// A dynamically linked 64-bit ELF program, or a script (its interpreter is what runs).
        case reachable
        /// Why it cannot: statically linked, or set-user/group-ID.
        case unreachable(String)
        /// Not found, or a file this check does not understand (e.g. a 32-bit program).
        case unknown
    }

    /// Why the tracker cannot be preloaded into `program`, or nil when it can (or the file
    /// is not an ELF executable, e.g. a script whose interpreter decides).
    ///
    /// - Parameter program: a path, or a bare name looked up on `searchPath` (a PATH value).
    public static func unreachableReason(program: String, searchPath: String? = nil) -> String? {
        if case .unreachable(let reason) = reach(program: program, searchPath: searchPath) { return reason }
        return nil
    }

    /// Whether the tracker can be preloaded into `program` (a path, or a bare name looked up on
    /// `searchPath`).
    public static func reach(program: String, searchPath: String? = nil) -> Reach {
        var environment = ProcessInfo.processInfo.environment
        if let searchPath { environment["PATH"] = searchPath }
        guard let path = ExecutableLocator.find(program, environment: environment) else { return .unknown }
        if let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let permissions = attributes[.posixPermissions] as? Int, permissions & 0o6000 != 0
        {
            return .unreachable("\(path) is set-user-ID or set-group-ID; the loader ignores LD_PRELOAD for it")
        }
        if isScript(path: path) { return .reachable }
        switch isStaticallyLinked(path: path) {
        case .some(true): return .unreachable("\(path) is statically linked; LD_PRELOAD cannot reach it")
        case .some(false): return .reachable
        case .none: return .unknown
        }
    }

    /// True when the file starts with `#!`.
    static func isScript(path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: 2)) == Data("#!".utf8)
    }

    /// True when the ELF file has no PT_INTERP program header; nil when it is not a 64-bit
    /// little-endian ELF file this check understands.
    static func isStaticallyLinked(path: String) -> Bool? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let header = try? handle.read(upToCount: 64), header.count == 64,
            header.prefix(4) == Data([0x7F, 0x45, 0x4C, 0x46]), header[4] == 2, header[5] == 1
        else { return nil }
        func integer(_ bytes: Data, _ offset: Int, _ size: Int) -> UInt64 {
            (0..<size).reduce(UInt64(0)) { $0 | UInt64(bytes[bytes.startIndex + offset + $1]) << (8 * UInt64($1)) }
        }
        let headersOffset = integer(header, 32, 8)
        let entrySize = Int(integer(header, 54, 2))
        let count = Int(integer(header, 56, 2))
        guard entrySize >= 4, count > 0, count < 4096 else { return nil }
        guard (try? handle.seek(toOffset: headersOffset)) != nil,
            let table = try? handle.read(upToCount: entrySize * count), table.count == entrySize * count
        else { return nil }
        let interpreterType: UInt64 = 3  // PT_INTERP
        return !(0..<count).contains { integer(table, $0 * entrySize, 4) == interpreterType }
    }
}
