import Foundation
import MemgateCore

/// How to run one target under the tracker: builds argv and environment for native
/// commands and for Python scripts (through the bundled bootstrap).
public struct TrackedCommand: Sendable {
    /// What runs.
    public enum Program: Sendable {
        /// A native command, measured as a whole process.
        case native(arguments: [String])
        /// A Python script; with `call`, only that call is measured.
        case python(interpreter: String, script: String, call: String?, arguments: [String])
        /// pytest with the memgate plugin; each test is one region.
        case pytest(interpreter: String, arguments: [String])
    }

    public var program: Program
    public var nativeFrames: Bool
    public var ignorePatterns: [String]
    public var extraEnvironment: [String: String]
    /// Whether the processes the program starts are measured as part of it.
    public var trackChildren: Bool

    public init(
        program: Program, nativeFrames: Bool, ignorePatterns: [String] = [], extraEnvironment: [String: String] = [:],
        trackChildren: Bool = true
    ) {
        self.trackChildren = trackChildren
        self.program = program
        self.nativeFrames = nativeFrames
        self.ignorePatterns = ignorePatterns
        self.extraEnvironment = extraEnvironment
    }

    /// argv for the launcher.
    public func arguments(pythonDirectory: URL = RuntimeResources.pythonDirectory) -> [String] {
        switch program {
        case .native(let arguments):
            return arguments
        case .python(let interpreter, let script, let call, let arguments):
            let bootstrap = pythonDirectory.appendingPathComponent("memgate_bootstrap.py").path
            var argv = [interpreter, bootstrap]
            if let call { argv += ["--call", call] }
            return argv + [script] + arguments
        case .pytest(let interpreter, let arguments):
            return [interpreter, "-m", "pytest", "-p", "memgate_pytest"] + arguments
        }
    }

    /// The target's environment: the caller's, the config's `env`, then memgate's own variables.
    /// `PYTHONHASHSEED=0` is set unless the target sets it, for byte-identical runs.
    public func environment(
        base: [String: String], trackerPath: String, capturePath: String,
        pythonDirectory: URL = RuntimeResources.pythonDirectory
    ) -> [String: String] {
        var environment = base
        for (key, value) in extraEnvironment { environment[key] = value }
        let preload = environment["LD_PRELOAD"].map { "\(trackerPath):\($0)" } ?? trackerPath
        environment["LD_PRELOAD"] = preload
        environment["MEMGATE_OUTPUT"] = capturePath
        environment.removeValue(forKey: "MEMGATE_OWNER_PID")
        environment["MEMGATE_NATIVE"] = nativeFrames ? "1" : "0"
        environment["MEMGATE_CHILDREN"] = trackChildren ? "1" : "0"
        if !ignorePatterns.isEmpty { environment["MEMGATE_IGNORE"] = ignorePatterns.joined(separator: "\n") }
        switch program {
        case .native:
            environment.removeValue(forKey: "MEMGATE_REGIONS_ONLY")
        case .python(_, _, let call, _):
            environment["MEMGATE_REGIONS_ONLY"] = call == nil ? "0" : "1"
            setPythonDefaults(&environment)
        case .pytest:
            environment["MEMGATE_REGIONS_ONLY"] = "1"
            setPythonDefaults(&environment)
            let path = pythonDirectory.path
            environment["PYTHONPATH"] = environment["PYTHONPATH"].map { "\(path):\($0)" } ?? path
        }
        return environment
    }

    private func setPythonDefaults(_ environment: inout [String: String]) {
        // PYTHONMALLOC is left as it is: the tracker wraps the interpreter's allocator domains,
        // so pymalloc keeps its speed and every object is still seen at its requested size.
        if extraEnvironment["PYTHONHASHSEED"] == nil { environment["PYTHONHASHSEED"] = "0" }
        environment["PYTHONDONTWRITEBYTECODE"] = "1"
    }
}
