import Foundation
import FoundationXML
import MemgateCore
import MemgateReports
import Testing

/// pytest targets end to end: the repo's exercises (each test one case, pytest-memray markers
/// honoured) and the JUnit file CI servers read; and marker verdicts on a scratch test file.
@Suite struct PytestTargetTests {
    static let schemaPath = RepositoryLayout.root
        .appendingPathComponent("Tests/MemgateReportsTests/Resources/junit.xsd").path

    @Test func exercisesBreachTheirMarkersAndEverythingElsePasses() throws {
        let workspace = try Workspace("pytest-breaches")
        let artifacts = workspace.path("artifacts")
        let config = RepositoryLayout.root.appendingPathComponent("ci/exercises/pytest-breaches.yml").path

        let run = try Memgate.run(
            ["run", "--config", config, "--artifacts", artifacts.path], in: RepositoryLayout.root)

        #expect(run.exitCode == Memgate.Exit.gateFailed, "stdout: \(run.standardOutput)\nstderr: \(run.standardError)")
        let suite = try Memgate.suite(at: artifacts.appendingPathComponent("results.json"))
        #expect(suite.cases.allSatisfy { $0.target == "exercises-all" })

        let listVersion = try #require(suite.case("test_list_version_within_budget"), "\(suite.cases.map(\.name))")
        #expect(listVersion.status == .failed)
        #expect(listVersion.failures.map(\.kind) == [.limitExceeded])
        #expect(listVersion.budget.limitBytes == 102_400)
        #expect((listVersion.profile?.peakBytes ?? 0) > 100 * 1024 * 1024)
        let appendLine = try RepositoryLayout.lineNumber(of: "numbers.append(", in: "ci/targets/fibonacci.py")
        let top = try #require(listVersion.topSite)
        #expect(top.key.function == "fibonacci_list")
        #expect(top.key.file.hasSuffix("fibonacci.py"))
        #expect(top.line == appendLine)

        let generatorVersion = try #require(suite.case("test_generator_version_within_budget"))
        #expect(generatorVersion.status == .passed)
        #expect((generatorVersion.profile?.peakBytes ?? .max) < 102_400)

        for id in ["lengths0", "lengths1", "lengths2"] {
            let parametrized = try #require(suite.case("test_both_versions_agree[\(id)]"), "\(suite.cases.map(\.name))")
            #expect(parametrized.status == .passed, "\(id): \(parametrized.findings)")
        }

        let unbounded = try #require(suite.case("test_unbounded_cache_leaks_past_one_megabyte"))
        #expect(unbounded.status == .failed)
        #expect(unbounded.failures.map(\.kind) == [.leakLimitExceeded])
        #expect(unbounded.budget.leakLimitBytes == 1_048_576)

        let bounded = try #require(suite.case("test_bounded_cache_keeps_at_most_128_entries"))
        #expect(bounded.status == .passed, "\(bounded.findings)")
        #expect(bounded.budget.leakLimitBytes == 1_048_576)

        let skipped = try #require(suite.case("test_skipped_example"))
        #expect(skipped.status == .skipped)

        #expect(suite.failedCount == 2, "failed: \(suite.cases.filter { $0.status == .failed }.map(\.name))")
        #expect(suite.skippedCount == 1)
        #expect(suite.cases.count == 11)

        try checkJUnit(at: artifacts.appendingPathComponent("junit.xml"), against: suite)
    }

    /// junit.xml agrees with results.json on the counts, names its cases as pytest does, and
    /// conforms to the repo's schema and to Jenkins' junit-10.xsd.
    private func checkJUnit(at url: URL, against suite: SuiteResult) throws {
        let xml = try Data(contentsOf: url)
        for schema in [Self.schemaPath] + (try RepositoryLayout.jenkinsSchemas()) {
            try XMLSchemaValidator.validate(xml: xml, schemaPath: schema)
        }
        let document = try XMLDocument(data: xml)
        let root = try #require(document.rootElement())
        #expect(root.name == "testsuites")
        let testcases = try document.nodes(forXPath: "//testcase")
        #expect(testcases.count == suite.cases.count)
        #expect(try document.nodes(forXPath: "//testcase/failure").count == 2)
        #expect(try document.nodes(forXPath: "//testcase/skipped").count == 1)
        #expect(root.attribute(forName: "tests")?.stringValue == "\(suite.cases.count)")
        #expect(root.attribute(forName: "failures")?.stringValue == "2")
        #expect(root.attribute(forName: "errors")?.stringValue == "0")
        let suiteNames = try document.nodes(forXPath: "//testsuite/@name").compactMap(\.stringValue)
        #expect(suiteNames == ["exercises-all"])
        let names = testcases.compactMap { node -> String? in
            guard let testcase = node as? XMLElement, let className = testcase.attribute(forName: "classname"),
                let name = testcase.attribute(forName: "name")
            else { return nil }
            return "\(className.stringValue ?? "")::\(name.stringValue ?? "")"
        }
        // Node ids here are `pytest/test_x.py::name[params]` (rootdir ci/); pytest's own JUnit
        // has classname `pytest.test_x` and name `name[params]` for them.
        let expected = suite.cases.map {
            "pytest." + $0.name.dropFirst("pytest/".count).replacingOccurrences(of: ".py::", with: "::")
        }
        #expect(names.sorted() == expected.sorted())
    }

    @Test func leakMarkerFailsALeakingTestAndAssertionsFailSeparately() throws {
        let workspace = try Workspace("pytest-markers")
        let (run, suite) = try Memgate.runPytestFixture(
            "marker_verdicts_cases.py", as: "test_marker_verdicts.py", target: "markers", in: workspace)

        #expect(run.exitCode == Memgate.Exit.gateFailed, "stdout: \(run.standardOutput)\nstderr: \(run.standardError)")
        #expect(suite.cases.count == 3, "\(suite.cases.map(\.name))")

        let leaking = try #require(suite.case("test_leaks_two_mebibytes_into_a_module_list"))
        #expect(leaking.status == .failed)
        #expect(leaking.failures.map(\.kind) == [.leakLimitExceeded])
        let leaked = try #require(leaking.profile?.bytesAtEnd)
        #expect(leaked >= 2 * 1024 * 1024 && leaked < 2 * 1024 * 1024 + 64 * 1024, "leaked \(leaked)")

        let clean = try #require(suite.case("test_leaks_nothing"))
        #expect(clean.status == .passed, "\(clean.findings)")
        #expect((clean.profile?.peakBytes ?? 0) >= 2 * 1024 * 1024)
        #expect((clean.profile?.bytesAtEnd ?? .max) < 64 * 1024)

        let wrong = try #require(suite.case("test_wrong_answer_is_a_correctness_failure"))
        #expect(wrong.status == .failed)
        #expect(wrong.failures.map(\.kind) == [.testFailed])
        let assertLine = try RepositoryLayout.lineNumber(
            of: "assert sum([1, 2]) == 4", in: "Tests/Fixtures/EndToEnd/marker_verdicts_cases.py")
        #expect(
            wrong.failures.first?.message.contains("test_marker_verdicts.py:\(assertLine)") == true,
            "\(wrong.failures)")
    }
}
