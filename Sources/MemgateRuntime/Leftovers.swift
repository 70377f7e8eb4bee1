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

    /// Every pid in /proc.
    static func processes() -> [pid_t] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return names.compactMap { pid_t($0) }
    }

    private static func environment(of pid: pid_t, contains needle: [UInt8]) -> Bool {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return false }
        return data.split(separator: 0).contains { $0.elementsEqual(needle) }
    }
}
