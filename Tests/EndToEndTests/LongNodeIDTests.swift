import Foundation
import MemgateCore
import Testing

/// Issue 15 point 11: a pytest node id longer than a capture header's 255-byte region name was
/// "not measured" and failed; it is now named by a digest both sides compute.
@Suite struct LongNodeIDTests {
    @Test func testWithANodeIDOver255BytesIsMeasured() throws {
        let workspace = try Workspace("long-node-id")
        let (run, suite) = try Memgate.runPytestFixture(
            "long_node_id_cases.py", as: "test_long.py", target: "long", in: workspace)
        #expect(run.exitCode == Memgate.Exit.gateFailed, "stdout: \(run.standardOutput)")
        let result = try #require(suite.cases.first { $0.name.contains("xxxx") })
        #expect(result.name.utf8.count > 255)
        #expect(result.failures.map(\.kind) == [.limitExceeded], "findings: \(result.findings.map(\.message))")
        #expect((result.profile?.peakBytes ?? 0) >= 2 << 20)
    }

    @Test func digestMatchesThePluginsPython() throws {
        let nodeID = "tests/test_long.py::test_x[" + String(repeating: "é", count: 200) + "]"
        let python = try RepositoryLayout.python().path
        let plugin = RepositoryLayout.root.appendingPathComponent("Sources/MemgateRuntime/Python").path
        let script =
            "import sys; sys.path.insert(0, sys.argv[1]); import memgate_pytest as p; print(p.region_name(sys.argv[2]))"
        let run = try ChildProcess.run(
            URL(fileURLWithPath: python), ["-c", script, plugin, nodeID],
            environment: ProcessInfo.processInfo.environment,
            directory: RepositoryLayout.root, timeoutSeconds: 30)
        #expect(
            run.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == PytestRegionName.of(nodeID: nodeID))
        #expect(PytestRegionName.of(nodeID: "short::id") == "short::id")
    }
}
