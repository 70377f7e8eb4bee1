import Foundation

/// What a finished child process left behind.
struct ChildProcessResult: Sendable {
    /// Exit status, or 128 + signal number when the process was killed by a signal.
    var exitCode: Int32
    var standardOutput: String
    var standardError: String
    /// Wall time from start to exit, in seconds.
    var durationSeconds: Double
}

/// Runs programs for the end-to-end tests with Foundation's `Process`.
///
/// Output goes to files rather than pipes, so a chatty child can never block on a full pipe
/// while the test waits for it to exit.
enum ChildProcess {
    /// Runs `executable` with `arguments` and waits for it.
    ///
    /// - Parameters:
    ///   - environment: the complete environment of the child.
    ///   - directory: working directory of the child.
    ///   - timeoutSeconds: the child is killed (SIGKILL) after this long, so a hung child
    ///     fails its test instead of hanging the whole run.
    static func run(
        _ executable: URL, _ arguments: [String], environment: [String: String], directory: URL,
        timeoutSeconds: Double = 120
    ) throws -> ChildProcessResult {
        let outputDirectory = FileManager.default.temporaryDirectory
            .appendingPathComponent("memgate-e2e-output-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: outputDirectory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: outputDirectory) }
        let stdoutURL = outputDirectory.appendingPathComponent("stdout")
        let stderrURL = outputDirectory.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        let stdoutHandle = try FileHandle(forWritingTo: stdoutURL)
        let stderrHandle = try FileHandle(forWritingTo: stderrURL)

        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        process.currentDirectoryURL = directory
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = stdoutHandle
        process.standardError = stderrHandle
        let start = Date()
        try process.run()
        let watchdog = DispatchWorkItem { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeoutSeconds, execute: watchdog)
        process.waitUntilExit()
        watchdog.cancel()
        let duration = Date().timeIntervalSince(start)
        try stdoutHandle.close()
        try stderrHandle.close()
        let code =
            process.terminationReason == .uncaughtSignal
            ? 128 + process.terminationStatus : process.terminationStatus
        return ChildProcessResult(
            exitCode: code,
            standardOutput: String(decoding: try Data(contentsOf: stdoutURL), as: UTF8.self),
            standardError: String(decoding: try Data(contentsOf: stderrURL), as: UTF8.self),
            durationSeconds: duration)
    }

    /// The first of `names` found on `$PATH`, or nil.
    static func findOnPath(_ names: [String]) -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for name in names {
            for directory in path.split(separator: ":") {
                let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent(name)
                if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            }
        }
        return nil
    }
}
