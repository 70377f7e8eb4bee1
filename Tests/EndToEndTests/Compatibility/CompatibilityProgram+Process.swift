import Foundation

extension CompatibilityProgram {
    /// Process behaviours of issue 15 (fork, vfork, posix_spawn, raw clone, shells, daemons,
    /// programs the tracker cannot reach), each a fixture of ours under `Tests/Fixtures/C` built
    /// by `make fixtures`, with the exact figure of the whole process tree.
    static func processBehaviours() throws -> [CompatibilityProgram] {
        let fixtures = RepositoryLayout.root.appendingPathComponent(".build/fixtures")
        func fixture(_ name: String) -> String { fixtures.appendingPathComponent(name).path }
        let python = try RepositoryLayout.python().path
        let sources = RepositoryLayout.root.appendingPathComponent("Tests/Fixtures/Compat")
        let mebibyte: Int64 = 1 << 20
        let exactPeak = 3 * mebibyte + 12_345
        let cc = ["cc", "--version"]
        func exact(_ id: String, _ title: String, _ command: [String], _ bytes: Int64) -> CompatibilityProgram {
            CompatibilityProgram(
                id: id, title: title, versionCommand: cc, command: command, heldBytes: bytes,
                maximumPeakBytes: bytes, toleranceText: "exactly", section: .process)
        }
        return [
            exact(
                "fork-three", "fork: 3 processes each hold 10 MiB at one moment", [fixture("process_tree"), "three"],
                30 * mebibyte),
            exact(
                "fork-handoff", "fork: the parent frees 20 MiB, then its child takes 15 MiB (peak is not the sum)",
                [fixture("process_tree"), "handoff"], 20 * mebibyte),
            exact(
                "vfork-exec", "vfork + exec of a program holding 3 MiB + 12 345 B",
                [fixture("process_tree"), "vfork", fixture("exact_peak")], exactPeak),
            exact(
                "posix-spawn", "posix_spawn and system(): parent 2 MiB + 777 B beside the child's 3 MiB + 12 345 B",
                [fixture("spawn_child"), fixture("exact_peak")], 2 * mebibyte + 777 + exactPeak),
            exact(
                "raw-clone", "raw clone() without CLONE_VM: parent holds 8 MiB while the child holds 50 MiB",
                [fixture("clone_child")], 58 * mebibyte),
            exact(
                "daemon-fds", "a daemon closes fds 3…1023, writes its own 1 MiB file, holds 1 MiB",
                [fixture("daemon_output"), "daemon-output.bin"], mebibyte),
            CompatibilityProgram(
                id: "shell-wrapper", title: "`sh -c` runs a program holding 3 MiB + 12 345 B as its child",
                versionCommand: ["dpkg-query", "-W", "-f", "dash ${Version}", "dash"],
                command: ["/bin/sh", "-c", "\(fixture("exact_peak")); true"], heldBytes: exactPeak,
                maximumPeakBytes: exactPeak + (64 << 10), toleranceText: "+ ≤ 64 KiB (the shell's own)",
                section: .process),
            CompatibilityProgram(
                id: "python-subprocess",
                title: "Python: a call runs `subprocess.run` of a Python child holding a 12 MiB `bytearray`",
                versionCommand: [python, "--version"],
                command: [python, sources.appendingPathComponent("run_python_child.py").path], pythonCall: "run()",
                heldBytes: 12 * mebibyte, maximumPeakBytes: 12 * mebibyte + 4 * mebibyte,
                toleranceText: "+ ≤ 4 MiB (the child interpreter's own)", section: .process),
            CompatibilityProgram(
                id: "static-binary", title: "a statically linked program", versionCommand: cc,
                command: [fixture("exact_peak_static")], heldBytes: exactPeak, maximumPeakBytes: exactPeak,
                toleranceText: "not measured", section: .process, notMeasuredReason: "is statically linked"),
            CompatibilityProgram(
                id: "exec-without-preload", title: "a launcher removes LD_PRELOAD and execs the real program",
                versionCommand: cc, command: [fixture("exec_without_preload"), fixture("exact_peak")],
                heldBytes: exactPeak, maximumPeakBytes: exactPeak, toleranceText: "not measured", section: .process,
                notMeasuredReason: "LD_PRELOAD was removed"),
        ]
    }
}
