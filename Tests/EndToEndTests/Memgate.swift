import Foundation
import MemgateCore
import MemgateReports

/// Runs the real `memgate` binary the way CI does, with the tracker and the project's Python.
enum Memgate {
    /// Exit statuses of `memgate run` (see `Sources/memgate/ExitStatus.swift`).
    enum Exit {
        static let passed: Int32 = 0
        static let gateFailed: Int32 = 1
        static let usage: Int32 = 2
        static let internalFailure: Int32 = 3
    }

    /// `memgate <arguments>` in `directory`.
    ///
    /// The child gets this process's environment plus `MEMGATE_TRACKER`, the project's Python
    /// first on `PATH` (Python targets run `python3` from `PATH`) and `NO_COLOR`; and without
    /// `GITHUB_STEP_SUMMARY`, so a test run on CI never appends to the job summary.
    static func run(
        _ arguments: [String], in directory: URL, timeoutSeconds: Double = 120
    ) throws -> ChildProcessResult {
        try ChildProcess.run(
            try RepositoryLayout.memgateBinary(), arguments, environment: try childEnvironment(),
            directory: directory, timeoutSeconds: timeoutSeconds)
    }

    /// Copies `fixture` into `tests/<testFile>` of `workspace`, runs a one-target pytest suite
    /// named `target` over `tests/`, and returns the run with its decoded results.
    static func runPytestFixture(
        _ fixture: String, as testFile: String, target: String, in workspace: Workspace
    ) throws -> (run: ChildProcessResult, suite: SuiteResult) {
        try workspace.copyFixture(fixture, to: "tests/\(testFile)")
        let config = try workspace.write(
            """
            version: 1
            baselines: baselines
            targets:
              - name: \(target)
                pytest: tests
            """, to: "memgate.yml")
        let json = workspace.path("results.json")
        let run = try run(["run", "--config", config.path, "--json", json.path], in: workspace.url)
        return (run, try suite(at: json))
    }

    /// The environment memgate (and so every target) runs with.
    static func childEnvironment() throws -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        let pythonBin = try RepositoryLayout.python().deletingLastPathComponent().path
        environment["PATH"] = environment["PATH"].map { "\(pythonBin):\($0)" } ?? pythonBin
        environment["MEMGATE_TRACKER"] = try RepositoryLayout.trackerLibrary().path
        environment["NO_COLOR"] = "1"
        environment["GITHUB_STEP_SUMMARY"] = nil
        return environment
    }

    /// The suites of a `results.json` written by `memgate run`.
    static func results(at url: URL) throws -> [SuiteResult] {
        try JSONResults.decode(Data(contentsOf: url))
    }

    /// The only suite of a single-config run's `results.json`.
    static func suite(at url: URL) throws -> SuiteResult {
        let suites = try results(at: url)
        guard suites.count == 1, let suite = suites.first else {
            throw SetupError("\(url.path) holds \(suites.count) suites, expected 1")
        }
        return suite
    }
}

extension SuiteResult {
    /// The case named `name`, or the pytest case whose node id ends in `::name`.
    func `case`(_ name: String) -> CaseResult? {
        cases.first { $0.name == name || $0.name.hasSuffix("::\(name)") }
    }
}

extension CaseResult {
    /// Kinds of all findings, failures first, as recorded.
    var findingKinds: [Finding.Kind] { findings.map(\.kind) }

    /// The site holding most bytes at the peak.
    var topSite: Site? { profile?.topSites(limit: 1).first }
}
