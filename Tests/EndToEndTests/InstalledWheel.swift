import Foundation

/// memgate's wheel (`make wheel`) installed into a fresh venv of the system Python, used with a
/// PATH that has no Swift toolchain, as a Python team would use it.
struct InstalledWheel {
    let workspace: Workspace
    /// The venv's `bin/`.
    let bin: URL

    /// Creates the venv in `workspace` and installs the wheel and pytest (from the wheels
    /// `make wheel-test-deps` downloaded, so no index is asked).
    init(in workspace: Workspace) throws {
        self.workspace = workspace
        let venv = workspace.path("venv")
        bin = venv.appendingPathComponent("bin")
        let created = try ChildProcess.run(
            URL(fileURLWithPath: "/usr/bin/python3"), ["-m", "venv", venv.path], environment: Self.environment(),
            directory: workspace.url)
        guard created.exitCode == 0 else { throw SetupError("python3 -m venv failed: \(created.standardError)") }
        let installed = try ChildProcess.run(
            bin.appendingPathComponent("pip"),
            [
                "install", "-q", "--disable-pip-version-check", "--no-index", "--find-links",
                try Self.pytestWheels().path, try Self.wheel().path, "pytest",
            ], environment: Self.environment(), directory: workspace.url, timeoutSeconds: 300)
        guard installed.exitCode == 0 else { throw SetupError("pip install failed: \(installed.standardError)") }
    }

    /// Runs the venv's `command` (a console script: `memgate`, `pytest`) in the workspace.
    func run(_ command: String, _ arguments: [String]) throws -> ChildProcessResult {
        try ChildProcess.run(
            bin.appendingPathComponent(command), arguments, environment: Self.environment(venvBin: bin),
            directory: workspace.url)
    }

    /// This process's environment without memgate's variables, with no directory holding a
    /// Swift toolchain on PATH (so no swift-demangle or toolchain llvm-symbolizer is found),
    /// and with the venv's `bin/` first when given.
    static func environment(venvBin: URL? = nil) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("MEMGATE_") }
        let path = (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").filter {
            !$0.lowercased().contains("swift")
        }
        environment["PATH"] = ([venvBin?.path].compactMap { $0 } + path.map(String.init)).joined(separator: ":")
        environment["VIRTUAL_ENV"] = nil
        environment["NO_COLOR"] = "1"
        environment["GITHUB_STEP_SUMMARY"] = nil
        return environment
    }

    /// The one wheel in `dist/`.
    static func wheel() throws -> URL {
        let dist = RepositoryLayout.root.appendingPathComponent("dist")
        let wheels = ((try? FileManager.default.contentsOfDirectory(atPath: dist.path)) ?? [])
            .filter { $0.hasPrefix("memgate-") && $0.hasSuffix(".whl") }
        guard wheels.count == 1, let name = wheels.first else {
            throw SetupError("expected one memgate wheel in dist/, found \(wheels); run `make wheel`")
        }
        return dist.appendingPathComponent(name)
    }

    /// pytest and its dependencies as wheels, from `make wheel-test-deps`.
    static func pytestWheels() throws -> URL {
        let directory = RepositoryLayout.root.appendingPathComponent(".build/wheel-test-deps")
        guard FileManager.default.fileExists(atPath: directory.path) else {
            throw SetupError("\(directory.path) missing; run `make wheel-test-deps`")
        }
        return directory
    }
}
