import Foundation

/// Processes a target left behind outside its process group (a `setsid` daemon, a double fork),
/// found by the launch token every descendant inherits in its environment.
enum Leftovers {
    /// SIGKILLs every process whose initial environment holds `token`, until none is left (a
    /// daemon may fork while it is being killed). Processes that cleared their environment, or
    /// belong to another user, are out of reach.
    static func kill(token: String) {
        let needle = Array("\(TargetLauncher.ownerTokenVariable)=\(token)".utf8)
        let own = getpid()
        for _ in 0..<10 {
            let found = processes().filter { $0 != own && environment(of: $0, contains: needle) }
            if found.isEmpty { return }
            for pid in found { Foundation.kill(pid, SIGKILL) }
        }
    }

    /// Every pid in /proc (read with readdir: the sampler asks every 10 ms when there is no cgroup).
    static func processes() -> [pid_t] {
        guard let directory = opendir("/proc") else { return [] }
        defer { closedir(directory) }
        var pids: [pid_t] = []
        while let entry = readdir(directory) {
            let pid = withUnsafeBytes(of: entry.pointee.d_name) { name -> pid_t? in
                var value: pid_t = 0
                for byte in name {
                    if byte == 0 { break }
                    guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), value < pid_t.max / 10 else {
                        return nil
                    }
                    value = value * 10 + pid_t(byte - UInt8(ascii: "0"))
                }
                return value > 0 ? value : nil
            }
            if let pid { pids.append(pid) }
        }
        return pids
    }

    private static func environment(of pid: pid_t, contains needle: [UInt8]) -> Bool {
        let descriptor = open("/proc/\(pid)/environ", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var environment: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            environment += chunk[..<count]
        }
        return environment.split(separator: 0).contains { $0.elementsEqual(needle) }
    }
}
