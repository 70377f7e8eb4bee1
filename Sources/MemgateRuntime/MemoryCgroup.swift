import Foundation

/// A memory cgroup memgate made for one target, so the kernel measures (and, with `oom-limit`,
/// caps) the whole process tree: cgroup v2 when memgate's own cgroup delegates the memory
/// controller, else the v1 memory hierarchy.
///
/// Created as a child of memgate's own cgroup (`/proc/self/cgroup`), so it stays inside whatever
/// memgate itself is limited to; the target joins it between `fork` and `exec`
/// (``procsDescriptor()``), so every page it and its descendants touch is charged here. Removed
/// with ``remove()`` once the target has ended; memgate's interrupt handler removes live ones too.
final class MemoryCgroup: @unchecked Sendable {
    enum Version: String, Sendable {
        case v2 = "cgroup v2"
        case v1 = "cgroup v1"
    }

    /// The group's directory.
    let directory: String
    let version: Version

    /// `MEMGATE_CGROUP=off` makes memgate use no cgroup (measure from `/proc` only).
    static let switchVariable = "MEMGATE_CGROUP"

    private init(directory: String, version: Version) {
        self.directory = directory
        self.version = version
    }

    /// Creates a group for one target, capped at `limitBytes` (swap included, so the cap ends in an
    /// OOM kill rather than in swapping) when given.
    /// - Returns: the group, or why none could be created (v2 is tried first, then v1).
    static func create(limitBytes: Int64?, environment: [String: String]) -> Result<MemoryCgroup, CgroupUnavailable> {
        if environment[switchVariable] == "off" { return .failure(CgroupUnavailable(reason: "\(switchVariable)=off")) }
        let mounts = CgroupMounts.read()
        var reasons: [String] = []
        for version in [Version.v2, .v1] {
            guard let parent = mounts.ownGroup(version) else {
                reasons.append("\(version.rawValue): no memory controller mounted for memgate's cgroup")
                continue
            }
            removeAbandoned(in: parent)
            switch make(in: parent, version: version, limitBytes: limitBytes) {
            case .success(let group): return .success(group)
            case .failure(let reason): reasons.append("\(version.rawValue): \(reason.reason)")
            }
        }
        return .failure(CgroupUnavailable(reason: reasons.joined(separator: "; ")))
    }

    /// Removes the empty groups a memgate that no longer runs left behind (one killed with
    /// SIGKILL cannot remove its own): `memgate-<pid>-…` whose pid is gone.
    static func removeAbandoned(in parent: String) {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? []
        for entry in entries where entry.hasPrefix("memgate-") {
            guard let pid = entry.split(separator: "-").dropFirst().first.flatMap({ pid_t($0) }), pid > 0,
                kill(pid, 0) != 0, errno == ESRCH
            else { continue }
            rmdir(parent + "/" + entry)  // fails, harmlessly, while a process is still in it
        }
    }

    private static func make(in parent: String, version: Version, limitBytes: Int64?) -> Result<
        MemoryCgroup, CgroupUnavailable
    > {
        if version == .v2 {
            let controllers = read(parent + "/cgroup.subtree_control") ?? ""
            if !controllers.split(separator: " ").contains("memory") {
                // Fails (EBUSY) while the parent holds processes, as memgate's own group does.
                _ = write("+memory", to: parent + "/cgroup.subtree_control")
            }
        }
        let directory = parent + "/memgate-\(getpid())-\(UUID().uuidString.prefix(8))"
        guard mkdir(directory, 0o755) == 0 else {
            return .failure(
                CgroupUnavailable(reason: "cannot create \(directory): \(String(cString: strerror(errno)))"))
        }
        let group = MemoryCgroup(directory: directory, version: version)
        guard
            FileManager.default.fileExists(atPath: directory + "/" + group.peakFile)
                || FileManager.default.fileExists(atPath: directory + "/" + group.currentFile)
        else {
            rmdir(directory)
            return .failure(CgroupUnavailable(reason: "the memory controller is not enabled in \(parent)"))
        }
        if let limitBytes {
            guard group.setLimit(limitBytes) else {
                rmdir(directory)
                return .failure(CgroupUnavailable(reason: "cannot set a memory limit in \(directory)"))
            }
        }
        Registry.shared.add(group)
        return .success(group)
    }

    private var peakFile: String { version == .v2 ? "memory.peak" : "memory.max_usage_in_bytes" }
    private var currentFile: String { version == .v2 ? "memory.current" : "memory.usage_in_bytes" }

    private func setLimit(_ bytes: Int64) -> Bool {
        switch version {
        case .v2:
            guard Self.write("\(bytes)", to: directory + "/memory.max") else { return false }
            _ = Self.write("0", to: directory + "/memory.swap.max")  // absent without swap accounting
            return true
        case .v1:
            guard Self.write("\(bytes)", to: directory + "/memory.limit_in_bytes") else { return false }
            _ = Self.write("\(bytes)", to: directory + "/memory.memsw.limit_in_bytes")
            return true
        }
    }

    /// `cgroup.procs` opened for writing (close-on-exec), for the child to join the group by
    /// writing `0` before it execs; -1 when it cannot be opened.
    func procsDescriptor() -> Int32 {
        open(directory + "/cgroup.procs", O_WRONLY | O_CLOEXEC)
    }

    /// Bytes charged to the group now (`memory.current` / `memory.usage_in_bytes`).
    var currentBytes: Int64? { Self.read(directory + "/" + currentFile).flatMap { Int64($0) } }

    /// The group's high-water mark (`memory.peak` / `memory.max_usage_in_bytes`): exact for the
    /// whole tree, at page granularity; nil on a v2 kernel older than 5.19 (no `memory.peak`).
    var peakBytes: Int64? { Self.read(directory + "/" + peakFile).flatMap { Int64($0) } }

    /// How many processes of the group the kernel's OOM killer ended (`oom_kill` in
    /// `memory.events` / `memory.oom_control`).
    var outOfMemoryKills: Int64? {
        let file = version == .v2 ? "memory.events" : "memory.oom_control"
        guard let text = Self.read(directory + "/" + file) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("oom_kill ") {
            return Int64(line.dropFirst("oom_kill ".count))
        }
        return nil
    }

    /// Every process in the group now (read as bytes: the sampler asks every 10 ms).
    var members: [pid_t] {
        let descriptor = open(directory + "/cgroup.procs", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return [] }
        defer { close(descriptor) }
        return DecimalLines.read(descriptor)
    }

    /// Kills what is left in the group, waits (up to 2 s) for it to empty, and removes it.
    func remove() {
        Registry.shared.remove(self)
        removeNow()
    }

    fileprivate func removeNow() {
        for _ in 0..<200 {
            let left = members
            if left.isEmpty, rmdir(directory) == 0 || errno == ENOENT { return }
            for pid in left { kill(pid, SIGKILL) }
            usleep(10_000)
        }
    }

    /// Removes every group still registered (memgate interrupted while targets run).
    static func removeAll() {
        for group in Registry.shared.drain() { group.removeNow() }
    }

    private static func read(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static func write(_ text: String, to path: String) -> Bool {
        let descriptor = open(path, O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        return text.withCString { pointer in Foundation.write(descriptor, pointer, strlen(pointer)) } >= 0
    }

    /// Groups not yet removed.
    private final class Registry: @unchecked Sendable {
        static let shared = Registry()
        private let lock = NSLock()
        private var groups: [ObjectIdentifier: MemoryCgroup] = [:]

        func add(_ group: MemoryCgroup) {
            lock.lock()
            groups[ObjectIdentifier(group)] = group
            lock.unlock()
        }

        func remove(_ group: MemoryCgroup) {
            lock.lock()
            groups[ObjectIdentifier(group)] = nil
            lock.unlock()
        }

        func drain() -> [MemoryCgroup] {
            lock.lock()
            defer { lock.unlock() }
            let all = Array(groups.values)
            groups = [:]
            return all
        }
    }
}

/// Why memgate runs a target without a cgroup of its own.
struct CgroupUnavailable: Error, Sendable {
    var reason: String
}

/// Where the memory cgroup hierarchies are mounted and where memgate sits in them.
struct CgroupMounts {
    /// Mount point of the cgroup2 hierarchy, and of the v1 hierarchy with the memory controller.
    var unified: String?
    var memoryV1: String?
    /// memgate's own group: the `0::` line of `/proc/self/cgroup`, and the v1 line naming `memory`.
    var unifiedPath: String?
    var memoryV1Path: String?

    static func read() -> CgroupMounts {
        var mounts = CgroupMounts()
        let mountInfo = (try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)) ?? ""
        for line in mountInfo.split(separator: "\n") {
            // `… mount-point options… - fstype source super-options`
            let halves = line.components(separatedBy: " - ")
            guard halves.count == 2 else { continue }
            let fields = halves[0].split(separator: " ")
            let tail = halves[1].split(separator: " ")
            guard fields.count > 4, let type = tail.first else { continue }
            let mountPoint = String(fields[4]).replacingOccurrences(of: "\\040", with: " ")
            if type == "cgroup2", mounts.unified == nil { mounts.unified = mountPoint }
            if type == "cgroup", tail.count > 2, tail[2].split(separator: ",").contains("memory") {
                mounts.memoryV1 = mountPoint
            }
        }
        let own = (try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8)) ?? ""
        for line in own.split(separator: "\n") {
            let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3 else { continue }
            if fields[0] == "0" && fields[1].isEmpty { mounts.unifiedPath = String(fields[2]) }
            if fields[1].split(separator: ",").contains("memory") { mounts.memoryV1Path = String(fields[2]) }
        }
        return mounts
    }

    /// The directory of memgate's own group in `version`'s hierarchy, when it has one.
    func ownGroup(_ version: MemoryCgroup.Version) -> String? {
        let (mount, path) = version == .v2 ? (unified, unifiedPath) : (memoryV1, memoryV1Path)
        guard let mount, let path else { return nil }
        let directory = path == "/" ? mount : mount + path
        return FileManager.default.fileExists(atPath: directory) ? directory : nil
    }
}
