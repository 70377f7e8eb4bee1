import Foundation

/// Tells why LD_PRELOAD cannot reach a program: it is statically linked (no ELF interpreter,
/// so no dynamic loader ever reads LD_PRELOAD) or set-user/group-ID (the loader ignores
/// LD_PRELOAD for it). Reads only the ELF header and program headers.
public enum ExecutableInspector {
    /// Why the tracker cannot be preloaded into `program`, or nil when it can (or the file
    /// is not an ELF executable, e.g. a script whose interpreter decides).
    ///
    /// - Parameter program: a path, or a bare name looked up on `searchPath` (a PATH value).
    public static func unreachableReason(program: String, searchPath: String? = nil) -> String? {
        var environment = ProcessInfo.processInfo.environment
        if let searchPath { environment["PATH"] = searchPath }
        guard let path = ExecutableLocator.find(program, environment: environment) else { return nil }
        if let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let permissions = attributes[.posixPermissions] as? Int, permissions & 0o6000 != 0
        {
            return "\(path) is set-user-ID or set-group-ID; the loader ignores LD_PRELOAD for it"
        }
        guard let isStatic = isStaticallyLinked(path: path), isStatic else { return nil }
        return "\(path) is statically linked; LD_PRELOAD cannot reach it"
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
