import Foundation

/// Whether this machine lets a process make a memory cgroup under its own one, as memgate does
/// for every target (cgroup v2 with the memory controller delegated, else the v1 hierarchy).
enum MemoryCgroupProbe {
    static let canCreate: Bool = {
        let own = (try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8)) ?? ""
        var candidates: [String] = []
        for line in own.split(separator: "\n") {
            let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3 else { continue }
            let path = String(fields[2])
            if fields[0] == "0" && fields[1].isEmpty {
                candidates += ["/sys/fs/cgroup", "/sys/fs/cgroup/unified"].map { $0 + path }
            }
            if fields[1].split(separator: ",").contains("memory") { candidates.append("/sys/fs/cgroup/memory" + path) }
        }
        for parent in candidates {
            let probe = parent + "/memgate-probe-\(getpid())"
            guard mkdir(probe, 0o755) == 0 else { continue }
            defer { rmdir(probe) }
            let files = ["memory.max", "memory.limit_in_bytes"]
            if files.contains(where: { FileManager.default.fileExists(atPath: probe + "/" + $0) }) { return true }
        }
        return false
    }()
}
