import Foundation
import MemgateCore
import Testing

/// Without llvm-symbolizer a native target is still gated, its frames named `module+0xoffset`,
/// and memgate says once how to get names; a Python target needs no symbolizer and hears nothing.
@Suite struct SymbolizerNoticeTests {
    static let notice = "native frames are shown as module+0xoffset"

    @Test func nativeTargetWithoutSymbolizerGetsAddressesAndANotice() throws {
        let workspace = try Workspace("no-symbolizer-native")
        let program = RepositoryLayout.root.appendingPathComponent(".build/fixtures/exact_peak").path
        try workspace.write(
            """
            version: 1
            targets:
              - name: native
                command: ["\(program)"]
            """, to: "memgate.yml")

        let run = try runWithoutSymbolizer(in: workspace)

        #expect(run.exitCode == Memgate.Exit.passed, "stdout: \(run.standardOutput)\nstderr: \(run.standardError)")
        #expect(run.standardError.components(separatedBy: Self.notice).count == 2, "once: \(run.standardError)")
        #expect(run.standardError.contains("MEMGATE_SYMBOLIZER"))
        let top = try #require(try Memgate.suite(at: workspace.path("results.json")).case("native")?.topSite)
        #expect(top.key.function.contains("+0x"), "\(top.key)")
    }

    @Test func pythonTargetNeedsNoSymbolizer() throws {
        let workspace = try Workspace("no-symbolizer-python")
        try workspace.writeFibonacciSuite(["generator"])

        let run = try runWithoutSymbolizer(in: workspace)

        #expect(run.exitCode == Memgate.Exit.passed, "stdout: \(run.standardOutput)\nstderr: \(run.standardError)")
        #expect(!run.standardError.contains(Self.notice), "\(run.standardError)")
    }

    /// `memgate run` with `MEMGATE_SYMBOLIZER` naming a program that does not exist.
    private func runWithoutSymbolizer(in workspace: Workspace) throws -> ChildProcessResult {
        var environment = try Memgate.childEnvironment()
        environment["MEMGATE_SYMBOLIZER"] = workspace.path("no-such-llvm-symbolizer").path
        return try ChildProcess.run(
            try RepositoryLayout.memgateBinary(),
            ["run", "--config", "memgate.yml", "--json", workspace.path("results.json").path],
            environment: environment, directory: workspace.url)
    }
}
