import Foundation
import Testing

/// The runner owns each target's whole process tree: the target's own exit ends the case, what
/// it left behind is killed, it inherits no stray descriptor, and it dies with memgate.
@Suite struct ProcessTreeTests {
    /// Whether `pid` still runs (a zombie waiting for init to reap it counts as gone).
    private static func isRunning(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        let state = stat[stat.index(close, offsetBy: 2)]
        return state != "Z" && state != "X"
    }

    private static func pid(in file: URL, waitingUpTo seconds: Double = 15) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let text = try? String(contentsOf: file, encoding: .utf8),
                let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
            {
                return pid
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return nil
    }

    private static func config(_ workspace: Workspace, script: String, timeout: String = "20s") throws -> URL {
        try workspace.write(script, to: "target.sh")
        return try workspace.write(
            """
            version: 1
            baselines: baselines
            defaults: {timeout: \(timeout)}
            targets:
              - name: tree
                command: ["/bin/sh", "target.sh"]
            """, to: "memgate.yml")
    }

    @Test(
        "a target that leaves a background child passes as soon as it exits, and the child is killed",
        arguments: [
            "sleep 30 &\necho $! > child.pid\n",
            // A daemon in its own session, holding the output pipe: out of the group's reach.
            "setsid sleep 30 &\necho $! > child.pid\n",
        ])
    func leftoverChildIsKilled(script: String) throws {
        let workspace = try Workspace("leftover")
        let config = try Self.config(workspace, script: script)
        let run = try Memgate.run(
            ["run", "--config", config.path, "--json", workspace.path("results.json").path], in: workspace.url,
            timeoutSeconds: 60)
        #expect(run.exitCode == Memgate.Exit.passed, "\(run.standardOutput)\(run.standardError)")
        #expect(run.durationSeconds < 2, "memgate took \(run.durationSeconds) s")
        let child = try #require(Self.pid(in: workspace.path("child.pid"), waitingUpTo: 1))
        Thread.sleep(forTimeInterval: 0.2)
        #expect(!Self.isRunning(child), "the background child \(child) survived its target")
    }

    @Test("kill -9 of memgate: its running target does not survive a second")
    func targetDiesWithMemgate() throws {
        let workspace = try Workspace("orphaned")
        let config = try Self.config(workspace, script: "echo $$ > target.pid\nwhile :; do :; done\n", timeout: "60s")
        let memgate = Process()
        memgate.executableURL = try RepositoryLayout.memgateBinary()
        memgate.arguments = ["run", "--config", config.path]
        memgate.currentDirectoryURL = workspace.url
        memgate.environment = try Memgate.childEnvironment()
        memgate.standardOutput = FileHandle.nullDevice
        memgate.standardError = FileHandle.nullDevice
        try memgate.run()
        let target = try #require(Self.pid(in: workspace.path("target.pid")))
        kill(memgate.processIdentifier, SIGKILL)
        memgate.waitUntilExit()
        Thread.sleep(forTimeInterval: 1)
        let survived = Self.isRunning(target)
        if survived { kill(target, SIGKILL) }
        #expect(!survived, "target \(target) outlived memgate")
    }

    @Test func scratchDirectoriesAreRemovedOnSigterm() throws {
        let workspace = try Workspace("scratch")
        let temporary = workspace.path("tmp")
        try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: true)
        let config = try Self.config(workspace, script: "echo $$ > target.pid\nsleep 30\n", timeout: "60s")
        let memgate = Process()
        memgate.executableURL = try RepositoryLayout.memgateBinary()
        memgate.arguments = ["run", "--config", config.path]
        memgate.currentDirectoryURL = workspace.url
        var environment = try Memgate.childEnvironment()
        environment["TMPDIR"] = temporary.path
        memgate.environment = environment
        memgate.standardOutput = FileHandle.nullDevice
        memgate.standardError = FileHandle.nullDevice
        try memgate.run()
        _ = try #require(Self.pid(in: workspace.path("target.pid")))
        #expect(try FileManager.default.contentsOfDirectory(atPath: temporary.path).count == 1)
        kill(memgate.processIdentifier, SIGTERM)
        memgate.waitUntilExit()
        #expect(memgate.terminationStatus == 143)
        #expect(try FileManager.default.contentsOfDirectory(atPath: temporary.path) == [])
    }
}
