import Foundation
import MemgateCore
import Testing

/// The wheel from `make wheel`, pip-installed into a fresh venv and run without Swift on PATH.
@Suite(.serialized) struct WheelInstallTests {
    @Test func fibonacciListFailsAndGeneratorPassesFromTheWheel() throws {
        let workspace = try Workspace("wheel-fibonacci")
        let wheel = try InstalledWheel(in: workspace)
        try workspace.writeFibonacciSuite(["list", "generator"])
        let run = try wheel.run("memgate", ["run", "--config", "memgate.yml", "--artifacts", "artifacts"])
        #expect(run.exitCode == Memgate.Exit.gateFailed, "\(run.standardOutput)\n\(run.standardError)")
        try Memgate.suite(at: workspace.path("artifacts/results.json")).expectListFailsGeneratorPasses(
            failing: "fibonacci-list", topSite: "fibonacci_list", passing: "fibonacci-generator")
        #expect(workspace.exists("artifacts/flamegraphs/fibonacci-list.html"))
        // Written by the libxml2 linked into the binary.
        let junit = try String(contentsOf: workspace.path("artifacts/junit.xml"), encoding: .utf8)
        #expect(junit.contains("<testcase classname=\"fibonacci-list\" name=\"fibonacci-list\""), "\(junit)")
    }

    @Test func versionMatchesTheWheelNameAndAMissingLibraryIsNamed() throws {
        let workspace = try Workspace("wheel-version")
        let wheel = try InstalledWheel(in: workspace)
        let run = try wheel.run("memgate", ["--version"])
        let version = run.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(run.exitCode == 0)
        #expect(try InstalledWheel.wheel().lastPathComponent.hasPrefix("memgate-\(version)-py3-none-manylinux_"))

        // The check the launcher makes for libunwind, asked about a library no system has.
        let check = try wheel.run(
            "python",
            [
                "-c",
                "from memgate import _launcher; _launcher.check_runtime_libraries((('libmemgate-absent.so.1', 'libmemgate-absent1'),))",
            ])
        #expect(check.exitCode == Memgate.Exit.internalFailure)
        #expect(check.standardError.contains("libmemgate-absent.so.1 not found"), "\(check.standardError)")
        #expect(check.standardError.contains("apt-get install libmemgate-absent1"))
    }

    @Test func pytestMemgateEnforcesLimitMemoryMarkers() throws {
        let workspace = try Workspace("wheel-pytest")
        let wheel = try InstalledWheel(in: workspace)
        try workspace.write(
            """
            import pytest


            @pytest.mark.limit_memory("100 KB")
            def test_list_breaks_budget():
                numbers = [0, 1]
                while len(numbers) < 30000:
                    numbers.append(numbers[-1] + numbers[-2])
                assert len(numbers) == 30000


            @pytest.mark.limit_memory("100 KB")
            def test_generator_fits_budget():
                previous, current = 0, 1
                for _ in range(30000):
                    previous, current = current, previous + current
                assert previous > 0
            """, to: "tests/test_budget.py")
        let plain = try wheel.run("pytest", ["tests", "-q"])
        #expect(plain.exitCode == 0, "without --memgate the session runs as usual: \(plain.standardOutput)")
        let gated = try wheel.run("pytest", ["tests", "--memgate", "--memgate-artifacts", "artifacts"])
        #expect(gated.exitCode == Memgate.Exit.gateFailed, "\(gated.standardOutput)\n\(gated.standardError)")
        try Memgate.suite(at: workspace.path("artifacts/results.json")).expectListFailsGeneratorPasses(
            failing: "test_list_breaks_budget", topSite: "test_list_breaks_budget",
            passing: "test_generator_fits_budget")
        #expect(workspace.exists("artifacts/junit.xml"))

        // pytest's own options reach the session memgate runs: only the selected test runs.
        let selected = try wheel.run(
            "pytest", ["--memgate", "-k", "generator", "--memgate-artifacts=selected", "tests"])
        #expect(selected.exitCode == Memgate.Exit.passed, "\(selected.standardOutput)\n\(selected.standardError)")
        let selectedSuite = try Memgate.suite(at: workspace.path("selected/results.json"))
        #expect(selectedSuite.cases.map(\.name) == ["tests/test_budget.py::test_generator_fits_budget"])
    }
}
