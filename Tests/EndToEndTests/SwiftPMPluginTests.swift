import Foundation
import MemgateCore
import Testing

/// The command plugin from a package that depends on this repository by path: it builds the
/// package's executable and the tracker in release and gates the executable with memgate.
///
/// The package is made fresh in a temporary directory; its build directory is kept in
/// `.build/plugin-e2e`, so only the first run builds memgate and its dependencies.
@Suite(.serialized) struct SwiftPMPluginTests {
    static let scratch = RepositoryLayout.root.appendingPathComponent(".build/plugin-e2e")

    @Test func pluginGatesAnExecutableAndNamesTheSwiftFunction() throws {
        let workspace = try Workspace("swiftpm-plugin")
        try writePackage(in: workspace, limit: "1 MB")

        let run = try swiftPackageMemgate(in: workspace)

        // SwiftPM exits 1 for any plugin failure and names memgate's own status.
        #expect(run.exitCode == 1, "stdout: \(run.standardOutput)\nstderr: \(run.standardError)")
        #expect(run.standardError.contains("Plugin ended with exit code \(Memgate.Exit.gateFailed)"))
        let suite = try Memgate.suite(at: workspace.path("results.json"))
        let table = try #require(suite.case("lookup-table"))
        #expect(table.failures.map(\.kind) == [.limitExceeded])
        #expect((table.profile?.peakBytes ?? 0) >= 8 << 20)
        let top = try #require(table.topSite)
        #expect(top.key.function == "buildLookupTable(count:)", "\(top.key)")
        #expect(top.key.file.hasSuffix("main.swift"))
    }

    @Test func pluginExitsZeroWhenTheGatePasses() throws {
        let workspace = try Workspace("swiftpm-plugin-pass")
        try writePackage(in: workspace, limit: "64 MB")

        let run = try swiftPackageMemgate(in: workspace)

        #expect(run.exitCode == 0, "stdout: \(run.standardOutput)\nstderr: \(run.standardError)")
        #expect(try Memgate.suite(at: workspace.path("results.json")).case("lookup-table")?.status == .passed)
    }

    /// A package with one executable that keeps 8 MiB in `buildLookupTable(count:)`, and a
    /// memgate.yml gating it at `limit`.
    private func writePackage(in workspace: Workspace, limit: String) throws {
        try workspace.write(
            """
            // swift-tools-version:6.0
            import PackageDescription

            let package = Package(
                name: "alloc-demo",
                dependencies: [.package(path: "\(RepositoryLayout.root.path)")],
                targets: [.executableTarget(name: "alloc-demo")]
            )
            """, to: "Package.swift")
        try workspace.write(
            """
            /// Fills a lookup table of `count` integers (8 bytes each) and returns it.
            @inline(never)
            func buildLookupTable(count: Int) -> [Int] {
                var table: [Int] = []
                table.reserveCapacity(count)
                for index in 0..<count { table.append(index &* 31) }
                return table
            }

            let table = buildLookupTable(count: 1 << 20)
            print("table of \\(table.count) entries, checksum \\(table.reduce(0, &+))")
            """, to: "Sources/alloc-demo/main.swift")
        try workspace.write(
            """
            version: 1
            targets:
              - name: lookup-table
                command: ["\(Self.scratch.path)/release/alloc-demo"]
                limit: \(limit)
            """, to: "memgate.yml")
    }

    /// `swift package --allow-writing-to-package-directory memgate run --config memgate.yml`.
    private func swiftPackageMemgate(in workspace: Workspace) throws -> ChildProcessResult {
        guard let swift = ChildProcess.findOnPath(["swift"]) else { throw SetupError("swift not found on PATH") }
        var environment = try Memgate.childEnvironment()
        environment["MEMGATE_TRACKER"] = nil  // the plugin sets the tracker it built
        return try ChildProcess.run(
            swift,
            [
                "package", "--scratch-path", Self.scratch.path, "--allow-writing-to-package-directory", "memgate",
                "run", "--config", "memgate.yml", "--json", workspace.path("results.json").path,
            ], environment: environment, directory: workspace.url, timeoutSeconds: 900)
    }
}
