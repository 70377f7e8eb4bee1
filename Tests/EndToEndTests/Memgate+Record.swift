import Foundation
import MemgateCore

extension Memgate {
    /// What `memgate record` and then `memgate report --json` made of one command.
    struct Recording {
        var run: ChildProcessResult
        /// The decoded report, or nil when no capture could be read.
        var profile: Profile?
        var reportError: String?
    }

    /// `memgate record -o <name>.mgc [--python-call CALL] -- command` in `workspace`, then
    /// `memgate report <name>.mgc --json` decoded.
    ///
    /// - Parameter timeoutSeconds: passed to `record --timeout`, which kills the
    ///   command's process group; the memgate process itself gets 15 s more.
    static func record(
        _ command: [String], pythonCall: String? = nil, name: String = "capture", in workspace: Workspace,
        environment extra: [String: String] = [:], timeoutSeconds: Double = 30
    ) throws -> Recording {
        let capture = workspace.path("\(name).mgc")
        var arguments = ["record", "-o", capture.path, "--timeout", "\(timeoutSeconds)s"]
        if let pythonCall { arguments += ["--python-call", pythonCall] }
        arguments += ["--"] + command
        var environment = try childEnvironment()
        environment.merge(extra) { _, new in new }
        let run = try ChildProcess.run(
            try RepositoryLayout.memgateBinary(), arguments, environment: environment, directory: workspace.url,
            timeoutSeconds: timeoutSeconds + 15)
        guard workspace.exists("\(name).mgc") else { return Recording(run: run, profile: nil, reportError: nil) }
        let report = try Memgate.run(["report", capture.path, "--json", "-"], in: workspace.url, timeoutSeconds: 60)
        guard report.exitCode == 0 else {
            return Recording(run: run, profile: nil, reportError: report.standardError)
        }
        let profile = try JSONDecoder().decode(Profile.self, from: Data(report.standardOutput.utf8))
        return Recording(run: run, profile: profile, reportError: nil)
    }
}

extension Profile {
    /// Bytes live at the peak in stacks whose innermost frame is `function` at `line`.
    func bytesAtPeak(innermost function: String, line: Int) -> Int64 {
        stacks.filter { $0.frames.last?.function == function && $0.frames.last?.line == line }
            .reduce(0) { $0 + $1.bytesAtPeak }
    }

    /// Bytes live at the peak in stacks that have no Python frame at all.
    var bytesAtPeakOutsidePythonFrames: Int64 {
        stacks.filter { !$0.frames.contains { $0.kind == .python } }.reduce(0) { $0 + $1.bytesAtPeak }
    }
}
