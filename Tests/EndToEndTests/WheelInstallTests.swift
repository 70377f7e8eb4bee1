import Foundation
import MemgateCore
import Testing

/// The wheel from `make wheel`, pip-installed into a fresh venv and run without Swift on PATH.
@Suite(.serialized) struct WheelInstallTests {
    @Test func fibonacciListFailsAndGeneratorPassesFromTheWheel() throws {
        let workspace = try Workspace("wheel-fibonacci")
        let wheel = try InstalledWheel(in: workspace)
        try FileManager.default.copyItem(
            at: RepositoryLayout.root.appendingPathComponent("ci/targets/fibonacci.py"),
            to: workspace.path("fibonacci.py"))
        try workspace.write(
            """
            version: 1
            targets:
              - name: fibonacci-list
                python: fibonacci.py
                call: "fibonacci_hash_list(33333, 30000, 34567)"
                limit: 100 KB
              - name: fibonacci-generator
                python: fibonacci.py
                call: "fibonacci_hash_generator(33333, 30000, 34567)"
                limit: 100 KB
            """, to: "memgate.yml")
        let run = try wheel.run("memgate", ["run", "--config", "memgate.yml", "--artifacts", "artifacts"])
        #expect(run.exitCode == Memgate.Exit.gateFailed, "\(run.standardOutput)\n\(run.standardError)")
        let suite = try Memgate.suite(at: workspace.path("artifacts/results.json"))
        let list = try #require(suite.case("fibonacci-list"))
        let generator = try #require(suite.case("fibonacci-generator"))
        #expect(list.failures.map(\.kind) == [.limitExceeded])
        #expect(list.topSite?.key.function == "fibonacci_list")
        #expect(generator.status == .passed)
        #expect(workspace.exists("artifacts/flamegraphs/fibonacci-list.html"))
        #expect(workspace.exists("artifacts/junit.xml"))
    }

    @Test func versionMatchesTheWheelName() throws {
        let workspace = try Workspace("wheel-version")
        let wheel = try InstalledWheel(in: workspace)
        let run = try wheel.run("memgate", ["--version"])
        let version = run.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(run.exitCode == 0)
        #expect(try InstalledWheel.wheel().lastPathComponent.hasPrefix("memgate-\(version)-py3-none-manylinux_"))
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
        let suite = try Memgate.suite(at: workspace.path("artifacts/results.json"))
        let list = try #require(suite.case("test_list_breaks_budget"))
        let generator = try #require(suite.case("test_generator_fits_budget"))
        #expect(list.failures.map(\.kind) == [.limitExceeded])
        #expect(list.topSite?.key.function == "test_list_breaks_budget")
        #expect(generator.status == .passed)
        #expect(workspace.exists("artifacts/junit.xml"))
    }
}
