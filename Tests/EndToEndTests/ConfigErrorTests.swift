import Foundation
import Testing

/// Bad configs stop `memgate run` with exit 2 and a `file:line:column` message before any
/// target runs: no artifacts directory, no baseline.
@Suite struct ConfigErrorTests {
    /// One broken config and where its error must point.
    struct BrokenConfig: Sendable, CustomTestStringConvertible {
        var label: String
        /// The lines after `version: 1` / `baselines: baselines` / `targets:`.
        var targets: String
        /// `line:column` the message must name; nil to accept any position (parser-defined).
        var position: String?
        /// A fragment the message must contain.
        var fragment: String

        var testDescription: String { label }
    }

    static let brokenConfigs: [BrokenConfig] = [
        BrokenConfig(
            label: "malformed YAML",
            targets: "  - name: a\n    python: a.py\n  - [unclosed\n", position: nil, fragment: "invalid YAML"),
        BrokenConfig(
            label: "unknown key",
            targets: "  - name: a\n    python: a.py\n    limt: 1 MB\n", position: "6:5", fragment: "'limit'"),
        BrokenConfig(
            label: "unknown size unit",
            targets: "  - name: a\n    python: a.py\n    limit: 100 KQ\n", position: "6:12", fragment: "KQ"),
        BrokenConfig(
            label: "duplicate target name",
            targets: "  - name: a\n    python: a.py\n  - name: a\n    python: b.py\n", position: "6:11",
            fragment: "duplicate target name 'a'"),
        BrokenConfig(
            label: "path traversal in a name",
            targets: "  - name: ../x\n    python: a.py\n", position: "4:11", fragment: "'../x'"),
    ]

    @Test(arguments: brokenConfigs)
    func brokenConfigExitsTwoWithAPositionAndWritesNothing(_ broken: BrokenConfig) throws {
        let workspace = try Workspace("config-error")
        try workspace.write("def main():\n    return bytearray(1 << 20)\n", to: "a.py")
        let config = try workspace.write(
            "version: 1\nbaselines: baselines\ntargets:\n" + broken.targets, to: "memgate.yml")
        let artifacts = workspace.path("artifacts")

        let run = try Memgate.run(
            ["run", "--config", config.path, "--artifacts", artifacts.path, "--update-baselines"],
            in: workspace.url)

        #expect(run.exitCode == Memgate.Exit.usage, "stdout: \(run.standardOutput)\nstderr: \(run.standardError)")
        let located = try #require(
            Self.position(in: run.standardError, file: config.path), "stderr: \(run.standardError)")
        if let position = broken.position {
            #expect(located == position, "stderr: \(run.standardError)")
        }
        #expect(run.standardError.contains(broken.fragment), "stderr: \(run.standardError)")
        #expect(!workspace.exists("artifacts"), "the artifacts directory was created")
        #expect(!workspace.exists("baselines"), "a baselines directory was created")
    }

    @Test func unknownTargetOnTheCommandLineExitsTwo() throws {
        let workspace = try Workspace("unknown-target")
        try workspace.write("def main():\n    return 1\n", to: "a.py")
        let config = try workspace.write(
            "version: 1\nbaselines: baselines\ntargets:\n  - name: a\n    python: a.py\n    call: \"main()\"\n",
            to: "memgate.yml")

        let run = try Memgate.run(
            ["run", "--config", config.path, "--artifacts", workspace.path("artifacts").path, "no-such-target"],
            in: workspace.url)

        #expect(run.exitCode == Memgate.Exit.usage, "stdout: \(run.standardOutput)\nstderr: \(run.standardError)")
        #expect(run.standardError.contains("no-such-target"), "stderr: \(run.standardError)")
        #expect(!workspace.exists("artifacts"))
        #expect(!workspace.exists("baselines"))
    }

    /// `line:column` from the first `<file>:<line>:<column>:` in `text`.
    static func position(in text: String, file: String) -> String? {
        guard let start = text.range(of: file + ":") else { return nil }
        let parts = text[start.upperBound...].split(separator: ":", maxSplits: 2)
        guard parts.count >= 2, Int(parts[0]) != nil, Int(parts[1]) != nil else { return nil }
        return "\(parts[0]):\(parts[1])"
    }
}
