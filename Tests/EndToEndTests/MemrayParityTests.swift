import Foundation
import MemgateReports
import Testing

/// pytest-memray parity, test by test: `Tests/Fixtures/EndToEnd/memray_parity_cases.py` (every
/// marker form, positional and keyword; memory and assertion failures; fixture and teardown
/// errors; skip, xfail, xpass, strict xpass; two memray markers on one test; one Python line
/// leaking through two native paths; filter_fn over hybrid stacks; empty tests under
/// 1 B, 512 B and 1 KB budgets, the first of them first in the session) runs under
/// `pytest --memray` and under memgate, and each test must come out the same in both JUnit
/// files: passed, failed, error, or skipped with the same reason, under the same classname and
/// name. Both files must be valid against Jenkins' junit-10.xsd (pytest's as the control) and
/// memgate's against the repo's own schema too.
@Suite struct MemrayParityTests {
    static let ownSchemaPath = RepositoryLayout.root
        .appendingPathComponent("Tests/MemgateReportsTests/Resources/junit.xsd").path

    @Test func everyTestGetsTheSameOutcomeUnderPytestMemrayAndMemgate() throws {
        try MemrayComparisonTests.ensurePytestMemray()
        let workspace = try Workspace("memray-parity")
        // The rootdir is the workspace, so node ids (and classnames) start with `tests`.
        try workspace.write("[pytest]\n", to: "pytest.ini")
        try workspace.copyFixture("memray_parity_cases.py", to: "tests/test_memray_parity.py")

        let memrayJUnit = workspace.path("memray-junit.xml")
        var environment = try Memgate.childEnvironment()
        environment["PYTHONDONTWRITEBYTECODE"] = "1"
        let memray = try ChildProcess.run(
            try RepositoryLayout.python(),
            [
                "-m", "pytest", "tests", "--memray", "-p", "no:cacheprovider", "-q", "--junitxml", memrayJUnit.path,
                "--memray-bin-path", workspace.path("memray-bins").path,
            ],
            environment: environment, directory: workspace.url)
        #expect(memray.exitCode == 1, "pytest --memray: \(memray.standardOutput.suffix(3000))")

        let config = try workspace.write(
            """
            version: 1
            baselines: baselines
            targets:
              - name: parity
                pytest: tests
            """, to: "memgate.yml")
        let memgateJUnit = workspace.path("memgate-junit.xml")
        let memgate = try Memgate.run(
            ["run", "--config", config.path, "--junit", memgateJUnit.path], in: workspace.url)
        #expect(memgate.exitCode == Memgate.Exit.gateFailed, "memgate: \(memgate.standardOutput.suffix(3000))")

        let expected = try JUnitOutcomes(at: memrayJUnit)
        let actual = try JUnitOutcomes(at: memgateJUnit)
        #expect(expected.counts == ["passed": 12, "failed": 12, "error": 2, "skipped": 3], "\(expected.byTest)")
        #expect(Set(actual.byTest.keys) == Set(expected.byTest.keys))
        for (test, outcome) in expected.byTest.sorted(by: { $0.key < $1.key }) {
            let memgateOutcome = actual.byTest[test].map(\.description) ?? "missing"
            #expect(actual.byTest[test] == outcome, "\(test): pytest-memray \(outcome), memgate \(memgateOutcome)")
        }

        let memgateXML = try Data(contentsOf: memgateJUnit)
        let pytestXML = try Data(contentsOf: memrayJUnit)
        for schema in try RepositoryLayout.jenkinsSchemas() {
            try XMLSchemaValidator.validate(xml: pytestXML, schemaPath: schema)
            try XMLSchemaValidator.validate(xml: memgateXML, schemaPath: schema)
        }
        try XMLSchemaValidator.validate(xml: memgateXML, schemaPath: Self.ownSchemaPath)
    }
}
