import ArgumentParser
import Foundation
import MemgateCore
import MemgateRuntime

/// `memgate record`: run one command under the tracker and keep its capture file.
struct RecordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Run a command under the allocation tracker and write a capture file.",
        discussion: """
            The command after `--` runs with libmemgate_tracker.so preloaded. Native programs are \
            measured as a whole process with native stacks. A Python script (first argument ending \
            in .py, or an interpreter named python* followed by a script) runs through memgate's \
            bootstrap with Python frames; with --python-call only that call is measured.

            Examples:
              memgate record -o app.mgc -- ./build/app --input big.json
              memgate record -o fib.mgc \\
                --python-call "fibonacci_hash_list(33333, 30000, 34567)" \\
                -- ci/targets/fibonacci.py
              memgate record -- python3 tools/load.py --rows 1000
            Then: memgate report app.mgc
            """
    )

    @Option(name: .shortAndLong, help: "Capture file to write (regions add .1, .2, …).")
    var output: String = "memgate.mgc"

    @Option(name: .customLong("python-call"), help: "Measure only this call of the script, e.g. \"main(10)\".")
    var pythonCall: String?

    @Flag(help: "Also record native frames under Python frames (slower).")
    var native = false

    @OptionGroup var timeoutOptions: TimeoutOptions

    @Flag(
        name: .customLong("no-children"),
        help: "Measure only the command's own process, not the processes it starts (as `children: false`).")
    var noChildren = false

    @Argument(parsing: .postTerminator, help: "The command to run, after `--`.")
    var command: [String] = []

    func validate() throws {
        let arguments = command.first == "--" ? Array(command.dropFirst()) : command
        guard !arguments.isEmpty else {
            throw ValidationError("give the command to run after `--`, e.g. `memgate record -- ./app`")
        }
        if pythonCall != nil && PythonCommandLine(arguments) == nil {
            throw ValidationError("--python-call needs a Python script: `-- script.py` or `-- python3 script.py`")
        }
    }

    func run() throws {
        let arguments = command.first == "--" ? Array(command.dropFirst()) : command
        let program: TrackedCommand.Program
        if let python = PythonCommandLine(arguments) {
            program = .python(
                interpreter: python.interpreter, script: python.script, call: pythonCall,
                arguments: python.arguments)
        } else {
            program = .native(arguments: arguments)
        }
        let isPython = if case .python = program { true } else { false }
        let tracked = TrackedCommand(
            program: program, nativeFrames: isPython ? native : true, trackChildren: !noChildren)
        let outputURL = URL(fileURLWithPath: output).standardizedFileURL
        for stale in CaptureSet.allFiles(basePath: outputURL) { try? FileManager.default.removeItem(at: stale) }
        let tracker = try TrackerLocator.locate()
        RunningTargets.shared.terminateTargetsOnInterrupt()
        let environment = tracked.environment(
            base: ProcessInfo.processInfo.environment, trackerPath: tracker,
            capturePath: outputURL.path)
        let outcome = try TargetLauncher.run(
            LaunchRequest(
                arguments: tracked.arguments(), environment: environment,
                timeoutSeconds: timeoutOptions.timeout?.seconds,
                passThroughOutput: true))
        let written = CaptureSet.paths(basePath: outputURL).filter { CaptureSet.hasContent($0) }
        guard !written.isEmpty else {
            // A program out of the tracker's reach is a result (exit 1), not a memgate failure.
            let reason = CaptureSet.missingCaptureReason(
                basePath: outputURL, program: tracked.arguments().first, searchPath: environment["PATH"])
            throw MemgateFailure(
                description: "no capture was written to \(output) (\(describe(outcome.processEnd)))"
                    + (reason.map { "; not measured: \($0)" } ?? ""),
                code: reason == nil ? ExitStatus.internalFailure : ExitStatus.gateFailed)
        }
        let files = written.map(\.path).joined(separator: ", ")
        FileHandle.standardError.write(Data("memgate: wrote \(files); \(describe(outcome.processEnd))\n".utf8))
        if let last = written.last,
            let profile = try? CaptureSet.treeProfile(
                path: last, basePath: outputURL, symbolizer: .withoutNames),
            let reason = profile.unmeasuredReason
        {
            FileHandle.standardError.write(Data("memgate: \(reason)\n".utf8))
            throw ExitCode(ExitStatus.gateFailed)
        }
        // Never the command's own status: its 2 or 3 would read as memgate's usage or internal
        // error. Any failure of the command is 1, like a failed case of `run`; the status is above.
        if case .exited(0) = outcome.processEnd { return }
        throw ExitCode(ExitStatus.gateFailed)
    }

    private func describe(_ end: CaseResult.ProcessEnd) -> String {
        switch end {
        case .exited(let code): return "command exited with status \(code)"
        case .signalled(let signal): return "command killed by signal \(signal)"
        case .timedOut(let seconds): return "command timed out after \(seconds) s"
        }
    }
}

/// Recognizes `script.py ARGS` and `python3 script.py ARGS`.
struct PythonCommandLine {
    var interpreter: String
    var script: String
    var arguments: [String]

    init?(_ argv: [String]) {
        guard let first = argv.first else { return nil }
        if first.hasSuffix(".py") {
            interpreter = "python3"
            script = first
            arguments = Array(argv.dropFirst())
            return
        }
        let name = URL(fileURLWithPath: first).lastPathComponent
        guard name.hasPrefix("python"), argv.count >= 2, argv[1].hasSuffix(".py") else { return nil }
        interpreter = first
        script = argv[1]
        arguments = Array(argv.dropFirst(2))
    }
}
