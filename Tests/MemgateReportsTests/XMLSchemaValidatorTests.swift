import Foundation
import MemgateCore
import Testing

@testable import MemgateReports

@Suite struct XMLSchemaValidatorTests {
    static let schemaPath: String = {
        guard let path = Bundle.module.path(forResource: "junit", ofType: "xsd", inDirectory: "Resources") else {
            fatalError("junit.xsd is missing from the test bundle")
        }
        return path
    }()

    static let renderedSuites: [[SuiteResult]] = [
        [],
        [ReportFixtures.mixedSuite],
        [ReportFixtures.mixedSuite, ReportFixtures.secondSuite],
        [ReportFixtures.hostileSuite],
        [SuiteResult(name: "empty", cases: [], durationSeconds: 0)],
        [SuiteResult(name: "bare", cases: [CaseResult(target: "t", name: "t", status: .failed)], durationSeconds: 0)],
        [ReportFixtures.suiteWithErrorAndPytestNames],
    ]

    @Test(arguments: renderedSuites)
    func everyRenderedJUnitValidates(_ suites: [SuiteResult]) throws {
        try XMLSchemaValidator.validate(xml: try JUnitReport.render(suites), schemaPath: Self.schemaPath)
    }

    @Test func rejectsMissingAttributeUnknownElementAndBadCountWithLines() throws {
        let invalid = """
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuites tests="1" failures="0" errors="0" time="0.100">
              <testsuite name="s" tests="1" failures="0" errors="0" skipped="0" time="0.100">
                <testcase classname="s" name="c">
                  <flamegraph/>
                </testcase>
              </testsuite>
              <testsuite name="t" tests="-1" failures="0" errors="0" skipped="0" time="0.000"/>
            </testsuites>
            """
        let error = try #require(throws: XMLReportError.self) {
            try XMLSchemaValidator.validate(xml: Data(invalid.utf8), schemaPath: Self.schemaPath)
        }
        guard case .invalid(let path, let issues) = error else {
            Issue.record("expected .invalid, got \(error)")
            return
        }
        #expect(path == Self.schemaPath)
        #expect(issues.map(\.line) == [4, 5, 8])
        #expect(issues[0].message.contains("'time'"))
        #expect(issues[1].message.contains("flamegraph"))
        #expect(issues[2].message.contains("'-1'"))
        #expect(error.description.contains("line 4: "))
    }

    @Test(arguments: renderedSuites)
    func everyRenderedJUnitValidatesAgainstJenkinsJUnit10(_ suites: [SuiteResult]) throws {
        let xml = try JUnitReport.render(suites)
        for schema in try JenkinsSchemas.paths() {
            try XMLSchemaValidator.validate(xml: xml, schemaPath: schema)
        }
    }

    @Test func jenkinsJUnit10RejectsWhatTheReporterNoLongerWrites() throws {
        // Per-testcase properties and `skipped` on testsuites, which memgate used to write.
        let old = """
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuites tests="1" failures="0" errors="0" skipped="0" time="0.100">
              <testsuite name="s" tests="1" failures="0" errors="0" skipped="0" time="0.100">
                <testcase classname="s" name="c" time="0.100">
                  <properties><property name="peak_bytes" value="1"/></properties>
                </testcase>
              </testsuite>
            </testsuites>
            """
        for schema in try JenkinsSchemas.paths() {
            let error = try #require(throws: XMLReportError.self) {
                try XMLSchemaValidator.validate(xml: Data(old.utf8), schemaPath: schema)
            }
            guard case .invalid(_, let issues) = error else {
                Issue.record("expected .invalid, got \(error)")
                continue
            }
            #expect(issues.map(\.line) == [2, 5], "\(schema): \(issues)")
        }
    }

    @Test func rejectsDuplicateCaseNames() throws {
        let suite = SuiteResult(
            name: "dup", cases: [ReportFixtures.passing, ReportFixtures.passing], durationSeconds: 1
        )
        let error = try #require(throws: XMLReportError.self) {
            try XMLSchemaValidator.validate(xml: try JUnitReport.render([suite]), schemaPath: Self.schemaPath)
        }
        #expect(error.description.contains("UniqueCaseName"))
    }

    @Test func rejectsDocumentThatIsNotWellFormed() throws {
        let error = try #require(throws: XMLReportError.self) {
            try XMLSchemaValidator.validate(
                xml: Data("<testsuites>\n<oops></testsuites>".utf8), schemaPath: Self.schemaPath)
        }
        guard case .notWellFormed(let issues) = error else {
            Issue.record("expected .notWellFormed, got \(error)")
            return
        }
        #expect(issues.first?.line == 2)
    }

    @Test func rejectsEmptyDocument() {
        #expect(throws: XMLReportError.notWellFormed(issues: [.init(line: 1, message: "Document is empty")])) {
            try XMLSchemaValidator.validate(xml: Data(), schemaPath: Self.schemaPath)
        }
    }

    @Test func reportsUnusableSchema() throws {
        let error = try #require(throws: XMLReportError.self) {
            try XMLSchemaValidator.validate(xml: Data("<a/>".utf8), schemaPath: "/nonexistent/junit.xsd")
        }
        guard case .schemaUnusable(let path, _) = error else {
            Issue.record("expected .schemaUnusable, got \(error)")
            return
        }
        #expect(path == "/nonexistent/junit.xsd")
    }
}
