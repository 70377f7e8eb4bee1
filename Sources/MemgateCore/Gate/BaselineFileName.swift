/// File names for baselines, derived from target names and pytest node ids.
public enum BaselineFileName {
    /// Longest readable prefix kept from a node id; the hash keeps distinct ids apart anyway.
    public static let maxReadableLength = 80

    /// `[A-Za-z0-9._-]+` and neither `.` nor `..`, as the config requires of target names.
    public static func isSafeTargetName(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".." && name.unicodeScalars.allSatisfy(isSafe)
    }

    /// A file name (without extension) for any node id, e.g. `tests/test_x.py::test_a[1-/../b]`
    /// → `tests_test_x.py__test_a_1-_.._b_-<16 hex digits>`.
    ///
    /// Characters outside `[A-Za-z0-9._-]` become `_`, a leading `.` becomes `_` (no hidden
    /// files), and the readable part is cut to `maxReadableLength`. The FNV-1a 64-bit hash of
    /// the whole id is always appended, so ids that map to the same readable text (`a/b`, `a_b`)
    /// still get different files, and the name can never be `.` or `..`.
    public static func safeFileName(forCase caseName: String) -> String {
        var readable = String(String.UnicodeScalarView(caseName.unicodeScalars.map { isSafe($0) ? $0 : "_" }))
        if readable.hasPrefix(".") { readable = "_" + readable.dropFirst() }
        readable = String(readable.prefix(maxReadableLength))
        return "\(readable)-\(fnv1aHex(caseName))"
    }

    /// FNV-1a, 64-bit, over the UTF-8 bytes, as 16 lowercase hex digits. Stable across runs and
    /// platforms (unlike `Hasher`, which is seeded per process).
    public static func fnv1aHex(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    private static func isSafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "A"..."Z", "a"..."z", "0"..."9", ".", "_", "-": return true
        default: return false
        }
    }
}
