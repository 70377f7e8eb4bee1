import Foundation
import FoundationXML
import MemgateCore
import Testing

/// memgate against the reference it is compatible with: the `ci/pytest` exercises under
/// pytest-memray and under memgate must get the same verdicts, and peaks above 1 MiB must
/// agree within 10 %.
@Suite struct MemrayComparisonTests {
    static let agreementFraction = 0.10
    static let comparedAbovePeakBytes: Int64 = 1024 * 1024

    @Test func memgateAndPytestMemrayAgreeOnVerdictsAndPeaks() throws {
        try Self.ensurePytestMemray()
        let workspace = try Workspace("memray")
        let memray = try Self.runUnderMemray(in: workspace)
        let memgate = try Self.runUnderMemgate(in: workspace)

        #expect(Set(memray.verdicts.keys) == Set(memgate.keys), "memray: \(memray.verdicts.keys.sorted())")
        for (name, verdict) in memray.verdicts.sorted(by: { $0.key < $1.key }) {
            let memgateVerdict = memgate[name].map { "\($0.status)" } ?? "missing"
            #expect(memgate[name]?.status == verdict, "\(name): memray \(verdict), memgate \(memgateVerdict)")
        }

        var compared = 0
        for (name, result) in memgate.sorted(by: { $0.key < $1.key }) {
            guard let memgatePeak = result.profile?.peakBytes, memgatePeak > Self.comparedAbovePeakBytes else {
                continue
            }
            let memrayPeak = try #require(
                memray.peaks.first { $0.key.hasSuffix("-\(name).bin") }?.value, "no memray capture for \(name)")
            let difference = Double(abs(memgatePeak - memrayPeak)) / Double(max(memgatePeak, memrayPeak))
            print(
                "memray-comparison: \(name): memgate \(memgatePeak) B, memray \(memrayPeak) B, "
                    + String(format: "difference %.2f%%", difference * 100))
            #expect(difference <= Self.agreementFraction, "\(name): memgate \(memgatePeak) B vs memray \(memrayPeak) B")
            compared += 1
        }
        #expect(compared >= 3, "expected at least 3 tests above 1 MiB, compared \(compared)")
    }

    /// Installs pytest-memray into the project's Python when it is not importable. Cancels
    /// (skips) the test when that is impossible, except on CI where it must work.
    static func ensurePytestMemray() throws {
        if try importable() { return }
        let install = try ChildProcess.run(
            try RepositoryLayout.python(),
            ["-m", "pip", "install", "-q", "--disable-pip-version-check", "pytest-memray"],
            environment: ProcessInfo.processInfo.environment, directory: RepositoryLayout.root, timeoutSeconds: 300)
        if try importable() { return }
        let reason =
            "pytest-memray is not importable and `pip install pytest-memray` failed "
            + "(exit \(install.exitCode)): \(install.standardError.suffix(1000))"
        if RepositoryLayout.isCI { throw SetupError(reason) }
        try Test.cancel(Comment(rawValue: reason))
    }

    private static func importable() throws -> Bool {
        try ChildProcess.run(
            try RepositoryLayout.python(), ["-c", "import memray, pytest_memray"],
            environment: ProcessInfo.processInfo.environment, directory: RepositoryLayout.root, timeoutSeconds: 60
        ).exitCode == 0
    }

    /// pytest-memray's verdicts (from its JUnit XML) and peaks (from its captures), by test name.
    static func runUnderMemray(
        in workspace: Workspace
    ) throws -> (verdicts: [String: CaseResult.Status], peaks: [String: Int64]) {
        let python = try RepositoryLayout.python()
        var environment = try Memgate.childEnvironment()
        environment["PYTHONDONTWRITEBYTECODE"] = "1"
        let junit = workspace.path("memray-junit.xml")
        let bins = workspace.path("memray-bins")
        let run = try ChildProcess.run(
            python,
            [
                "-m", "pytest", "ci/pytest", "--memray", "-p", "no:cacheprovider", "-q",
                "--junitxml", junit.path, "--memray-bin-path", bins.path,
            ],
            environment: environment, directory: RepositoryLayout.root)
        #expect(run.exitCode == 1, "pytest --memray: \(run.standardOutput.suffix(3000))")

        var verdicts: [String: CaseResult.Status] = [:]
        for node in try XMLDocument(contentsOf: junit).nodes(forXPath: "//testcase") {
            guard let testcase = node as? XMLElement, let name = testcase.attribute(forName: "name")?.stringValue else {
                continue
            }
            let children = Set((testcase.children ?? []).compactMap(\.name))
            verdicts[name] =
                children.contains("skipped")
                ? .skipped : children.isDisjoint(with: ["failure", "error"]) ? .passed : .failed
        }

        let peaksRun = try ChildProcess.run(
            python, [RepositoryLayout.fixtures.appendingPathComponent("memray_peaks.py").path, bins.path],
            environment: environment, directory: workspace.url)
        #expect(peaksRun.exitCode == 0, "memray_peaks.py: \(peaksRun.standardError)")
        let peaks = try JSONDecoder().decode([String: Int64].self, from: Data(peaksRun.standardOutput.utf8))
        return (verdicts, peaks)
    }

    /// memgate's cases of `ci/exercises/pytest-breaches.yml`, by test name (after `::`).
    static func runUnderMemgate(in workspace: Workspace) throws -> [String: CaseResult] {
        let json = workspace.path("memgate-results.json")
        let config = RepositoryLayout.root.appendingPathComponent("ci/exercises/pytest-breaches.yml").path
        let run = try Memgate.run(["run", "--config", config, "--json", json.path], in: RepositoryLayout.root)
        #expect(run.exitCode == Memgate.Exit.gateFailed, "memgate: \(run.standardOutput.suffix(3000))")
        var cases: [String: CaseResult] = [:]
        for result in try Memgate.suite(at: json).cases {
            let name = result.name.components(separatedBy: "::").last ?? result.name
            cases[name] = result
        }
        return cases
    }
}
