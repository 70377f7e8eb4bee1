import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Where a run's captures are written: the directory that holds each run's scratch directory.
///
/// A pytest target writes one capture per test, and on a disk filesystem each costs the kernel
/// about 10 ms of system time: the tracker's `MAP_SHARED` sections fault with readahead into
/// freshly allocated blocks, compaction copies them, the final truncate drops the page cache,
/// and writeback follows (picologging's 257 tests: 2.7 s of system time, against 0.2 s on
/// tmpfs). So pytest captures go to `/dev/shm` when it is a tmpfs with room, unless `TMPDIR`
/// says where temporary files belong; everything else stays in the temporary directory.
public enum CaptureDirectory {
    /// Free bytes `/dev/shm` must have to be used: a capture needs at most a few hundred MiB
    /// (its sections' capacities, twice while compacting), and a small container `/dev/shm`
    /// (Docker's is 64 MiB) must never stop tracking for lack of space.
    public static let minimumFreeMemoryBytes: UInt64 = 1 << 30

    static let sharedMemory = "/dev/shm"

    /// The parent of a run's scratch directory: `/dev/shm` for a run with many captures (a pytest
    /// target) when `TMPDIR` is unset and `/dev/shm` is a tmpfs with `minimumFreeMemoryBytes`
    /// free, else the temporary directory.
    public static func parent(manyCaptures: Bool, environment: [String: String]) -> URL {
        let temporary = FileManager.default.temporaryDirectory
        guard manyCaptures, (environment["TMPDIR"] ?? "").isEmpty else { return temporary }
        return isRoomyTmpfs(sharedMemory) ? URL(fileURLWithPath: sharedMemory, isDirectory: true) : temporary
    }

    /// Whether `path` is a writable tmpfs mount point with `minimumFreeMemoryBytes` available.
    static func isRoomyTmpfs(_ path: String) -> Bool {
        guard isTmpfsMountPoint(path), access(path, W_OK | X_OK) == 0 else { return false }
        var status = statvfs()
        guard statvfs(path, &status) == 0 else { return false }
        return UInt64(status.f_bavail) * UInt64(status.f_frsize) >= minimumFreeMemoryBytes
    }

    /// Whether `/proc/self/mounts` lists `path` as a tmpfs mount point (the last mount there wins).
    static func isTmpfsMountPoint(_ path: String) -> Bool {
        guard let mounts = try? String(contentsOfFile: "/proc/self/mounts", encoding: .utf8) else { return false }
        var type: Substring?
        for line in mounts.split(separator: "\n") {
            let fields = line.split(separator: " ")
            if fields.count > 2, fields[1] == path { type = fields[2] }
        }
        return type == "tmpfs"
    }
}
