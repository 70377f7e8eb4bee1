import Foundation
import Testing

/// `memgate run` validates every input before it starts a target: exit 2 means nothing ran and
/// nothing was written.
@Suite struct RunInputValidationTests {
    /// A target that leaves a file behind when it runs, so the test can tell whether it started.
    private func suite(in workspace: Workspace, pytest: Bool = false) throws -> URL {
        try workspace.write("open('started', 'w').write('yes')\n", to: "touch.py")
        try workspace.write(
            "import pathlib\ndef test_a():\n    pathlib.Path('started').write_text('yes')\n", to: "tests/test_a.py")
        return try workspace.write(
            """
            version: 1
            baselines: baselines
            targets:
              - name: plain
                python: touch.py
              - name: suite
                pytest: tests
                cwd: .
            """, to: "memgate.yml")
    }

    @Test(
        "an invalid baseline stops the run before any target starts",
        arguments: ["baselines/plain.json", "baselines/suite/tests_test_a.py__test_a-0123456789abcdef.json"])
    func invalidBaselineRunsNothing(file: String) throws {
        let workspace = try Workspace("invalid-baseline")
        let config = try suite(in: workspace)
        try workspace.write(
            """
            {"formatVersion": 1, "name": "plain", "peakBytes": 99999999999999999999, "totalBytes": 1,
             "allocationCount": 1, "bytesAtEnd": 0, "sites": {}, "environment": {"libc": "glibc 2.36", "arch": "x86_64"}}
            """, to: file)
        let run = try Memgate.run(
            ["run", "--config", config.path, "--artifacts", workspace.path("artifacts").path], in: workspace.url)
        #expect(run.exitCode == Memgate.Exit.usage, "\(run.standardError)")
        #expect(
            run.standardError.contains("invalid value at `peakBytes`: 99999999999999999999"), "\(run.standardError)")
        #expect(run.standardError.contains("out of range"), "\(run.standardError)")
        #expect(!workspace.exists("started"))
        #expect(!workspace.exists("artifacts"))
    }

    /// A `baselines:` directory that is a symlink out of the git checkout is refused even though
    /// the path looks inside: `--update-baselines` would write through it.
    @Test func baselinesSymlinkedOutOfTheCheckoutAreRefused() throws {
        let workspace = try Workspace("symlinked-baselines")
        let outside = try Workspace("outside")
        let repository = workspace.path("repo")
        try FileManager.default.createDirectory(
            at: repository.appendingPathComponent(".git"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            at: repository.appendingPathComponent("baselines"), withDestinationURL: outside.url)
        try workspace.write("x = bytearray(1000)\n", to: "repo/touch.py")
        let config = try workspace.write(
            "version: 1\nbaselines: baselines\ntargets:\n  - name: plain\n    python: touch.py\n",
            to: "repo/memgate.yml")
        let run = try Memgate.run(
            ["run", "--config", config.path, "--update-baselines", "--artifacts", workspace.path("artifacts").path],
            in: repository)
        #expect(run.exitCode == Memgate.Exit.usage, "\(run.standardError)")
        #expect(run.standardError.contains("memgate.yml:2:12: baselines:"), "\(run.standardError)")
        #expect(run.standardError.contains("outside the repository root"), "\(run.standardError)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside.url.path).isEmpty)
        #expect(!workspace.exists("artifacts"))
    }

    @Test func anArtifactsPathThatIsAFileIsAUsageErrorBeforeAnythingRuns() throws {
        let workspace = try Workspace("artifacts-file")
        let config = try suite(in: workspace)
        try workspace.write("not a directory", to: "artifacts")
        let run = try Memgate.run(
            ["run", "--config", config.path, "plain", "--artifacts", workspace.path("artifacts").path],
            in: workspace.url)
        #expect(run.exitCode == Memgate.Exit.usage, "\(run.standardError)")
        #expect(run.standardError.contains("is not a directory"), "\(run.standardError)")
        #expect(!workspace.exists("started"))
    }
}
