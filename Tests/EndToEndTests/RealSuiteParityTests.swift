import Foundation
import Testing

/// Real suites that carry pytest-memray markers, from their published sources (`make
/// real-suites` downloads the sdists, checks their hashes and builds them into a venv of their
/// own): each runs under `pytest --memray` and under `memgate run`, and every test must get the
/// same outcome. The wall time of each run is printed for the side-by-side comparison.
///
/// - picologging 0.9.3's `tests/unit`: 257 tests, 246 of them with `limit_leaks("64B"…"512B",
///   filter_fn=filter_gc)`, a filter that keeps a location when one of its four innermost hybrid
///   frames is in a picologging file, so memgate must build memray's stacks exactly.
/// - iterative_ensemble_smoother 1.2.0's `TestOverwriteMemory`, a fixed subset of
///   `tests/test_esmda.py` (its other 1970 tests measure nothing): `limit_memory("54 MB")` fails
///   and `limit_memory("46 MB")` passes.
@Suite(.enabled(if: RealSuites.isBuilt, "run `make real-suites` first"))
struct RealSuiteParityTests {
    static let suites = RealSuites.directory
    static let python = suites.appendingPathComponent("venv/bin/python")

    struct RealSuite: CustomTestStringConvertible, Sendable {
        var name: String
        var source: String
        var arguments: [String]
        var expectedCounts: [String: Int]
        var testDescription: String { name }
    }

    static let cases = [
        RealSuite(
            name: "picologging", source: "picologging-0.9.3", arguments: ["tests/unit"],
            expectedCounts: ["passed": 256, "failed": 1]),
        RealSuite(
            name: "iterative_ensemble_smoother", source: "iterative_ensemble_smoother-1.2.0",
            arguments: ["tests/test_esmda.py", "-k", "TestOverwriteMemory"],
            expectedCounts: ["passed": 1, "failed": 1]),
    ]

    @Test(arguments: cases)
    func everyTestGetsPytestMemraysVerdict(_ suite: RealSuite) throws {
        let workspace = try Workspace("real-suite-\(suite.name)")
        let source = Self.suites.appendingPathComponent("src/\(suite.source)")
        var environment = try Memgate.childEnvironment()
        environment["PYTHONDONTWRITEBYTECODE"] = "1"

        let memrayJUnit = workspace.path("memray-junit.xml")
        let memrayStart = Date()
        let memray = try ChildProcess.run(
            Self.python,
            [
                "-m", "pytest", "--memray", "-p", "no:cacheprovider", "-q", "--junitxml", memrayJUnit.path,
                "--memray-bin-path", workspace.path("memray-bins").path,
            ] + suite.arguments,
            environment: environment, directory: source, timeoutSeconds: 600)
        let memraySeconds = Date().timeIntervalSince(memrayStart)
        #expect(memray.exitCode == 1, "pytest --memray: \(memray.standardOutput.suffix(3000))")

        let config = try workspace.write(
            """
            version: 1
            baselines: baselines
            defaults:
              timeout: 600s
            targets:
              - name: \(suite.name)
                pytest: \(source.appendingPathComponent(suite.arguments[0]).path)
                args: \(Array(suite.arguments.dropFirst()))
                interpreter: \(Self.python.path)
                cwd: \(source.path)
            """, to: "memgate.yml")
        let memgateJUnit = workspace.path("memgate-junit.xml")
        let memgateStart = Date()
        let memgate = try Memgate.run(
            ["run", "--config", config.path, "--junit", memgateJUnit.path], in: workspace.url, timeoutSeconds: 600)
        let memgateSeconds = Date().timeIntervalSince(memgateStart)
        #expect(memgate.exitCode == Memgate.Exit.gateFailed, "memgate: \(memgate.standardOutput.suffix(3000))")

        let expected = try JUnitOutcomes(at: memrayJUnit)
        let actual = try JUnitOutcomes(at: memgateJUnit)
        #expect(expected.counts == suite.expectedCounts, "\(expected.counts)")
        let missing = Set(expected.byTest.keys).subtracting(actual.byTest.keys)
        let extra = Set(actual.byTest.keys).subtracting(expected.byTest.keys)
        #expect(
            missing.isEmpty && extra.isEmpty,
            "missing \(missing.sorted().prefix(5)), extra \(extra.sorted().prefix(5)); memgate: \(memgate.standardOutput.suffix(2000))"
        )
        guard missing.isEmpty else { return }
        for (test, outcome) in expected.byTest.sorted(by: { $0.key < $1.key }) {
            let memgateOutcome = actual.byTest[test].map(\.description) ?? "missing"
            #expect(actual.byTest[test] == outcome, "\(test): pytest-memray \(outcome), memgate \(memgateOutcome)")
        }
        print(
            "real suite \(suite.name): \(expected.byTest.count) tests, pytest-memray \(expected.counts) in "
                + String(format: "%.1f s", memraySeconds) + ", memgate \(actual.counts) in "
                + String(format: "%.1f s", memgateSeconds))
    }
}

/// Where `make real-suites` puts the suites' sources and their venv.
enum RealSuites {
    static let directory = RepositoryLayout.root.appendingPathComponent(".build/real-suites")
    static var isBuilt: Bool {
        FileManager.default.fileExists(atPath: directory.appendingPathComponent("stamp").path)
    }
}
