import Foundation
import Testing

/// The CI templates users copy (`ci/templates/`, `action.yml`): valid against their vendors'
/// schemas, consistent in their shard counts, and the README's recipes are taken from them.
@Suite struct CITemplateTests {
    static let root = RepositoryLayout.root

    /// check-jsonschema from the venv `make deps` builds in `.build/ci-tools`.
    static func checkJSONSchema() throws -> URL {
        let tool = root.appendingPathComponent(".build/ci-tools/bin/check-jsonschema")
        guard FileManager.default.isExecutableFile(atPath: tool.path) else {
            throw SetupError("\(tool.path) is missing; run `make deps`")
        }
        return tool
    }

    static func validate(_ files: [String], schema: String, transform: String? = nil) throws -> ChildProcessResult {
        var arguments = ["--builtin-schema", schema]
        if let transform { arguments += ["--data-transform", transform] }
        return try ChildProcess.run(
            try checkJSONSchema(), arguments + files, environment: ProcessInfo.processInfo.environment,
            directory: root)
    }

    @Test(
        "each template is valid against its vendor's schema",
        arguments: [
            (
                ["ci/templates/github-actions.yml", "ci/templates/github-refresh-baselines.yml"],
                "vendor.github-workflows",
                nil
            ),
            (["action.yml"], "vendor.github-actions", nil),
            (["ci/templates/gitlab-ci.yml"], "vendor.gitlab-ci", "gitlab-ci"),
        ] as [([String], String, String?)])
    func templateIsValid(files: [String], schema: String, transform: String?) throws {
        let check = try Self.validate(files, schema: schema, transform: transform)
        #expect(check.exitCode == 0, "\(check.standardOutput)\(check.standardError)")
    }

    @Test func theSchemaCheckRejectsABrokenTemplate() throws {
        // A job without `runs-on` and steps that are not a list: proves the check is not vacuous.
        let workspace = try Workspace("broken-template")
        let broken = try workspace.write("on: push\njobs:\n  gate:\n    steps: 3\n", to: "broken.yml")
        let check = try Self.validate([broken.path], schema: "vendor.github-workflows")
        #expect(check.exitCode != 0)
        #expect(check.standardOutput.contains("runs-on"), "\(check.standardOutput)")
    }

    @Test func shardCountsAgreeWithinEachTemplate() throws {
        let github = try String(
            contentsOf: Self.root.appendingPathComponent("ci/templates/github-actions.yml"), encoding: .utf8)
        #expect(github.contains("shard: [1, 2, 3, 4]") && github.contains("expect: 4"))
        #expect(github.contains("if: always()"))
        let gitlab = try String(
            contentsOf: Self.root.appendingPathComponent("ci/templates/gitlab-ci.yml"), encoding: .utf8)
        #expect(gitlab.contains("parallel: 4") && gitlab.contains("--expect 4"))
        #expect(gitlab.contains("junit: artifacts/junit.xml"))
    }

    @Test func readmeRecipesAreTakenFromTheTemplates() throws {
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        let start = try #require(readme.range(of: "## Scaling out"))
        let section = readme[start.upperBound...].components(separatedBy: "\n## ").first ?? ""
        let blocks = section.components(separatedBy: "```yaml\n").dropFirst().map {
            $0.components(separatedBy: "\n```").first ?? ""
        }
        #expect(blocks.count == 2)
        let templates = try ["ci/templates/github-actions.yml", "ci/templates/gitlab-ci.yml"].map {
            try String(contentsOf: Self.root.appendingPathComponent($0), encoding: .utf8)
        }
        for block in blocks {
            #expect(templates.contains { $0.contains(block) }, "README recipe not in a template:\n\(block)")
        }
    }
}
