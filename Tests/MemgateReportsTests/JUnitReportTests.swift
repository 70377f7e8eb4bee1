import Foundation
import MemgateCore
import Testing

@testable import MemgateReports

@Suite struct JUnitReportTests {
    private func read(_ suites: [SuiteResult]) throws -> LibXMLReading {
        let data = try JUnitReport.render(suites)
        return try #require(LibXMLReading(data), "rendered JUnit is not well-formed")
    }

    @Test func countsOfAMixedSuiteMatchItsCases() throws {
        let document = try read([ReportFixtures.mixedSuite])
        let root = try #require(document.root)
        #expect(document.rootName == "testsuites")
        #expect(document.attribute("name", of: root) == "memgate")
        #expect(document.attribute("tests", of: root) == "4")
        #expect(document.attribute("failures", of: root) == "1")
        #expect(document.attribute("errors", of: root) == "0")
        #expect(document.attribute("skipped", of: root) == nil)
        #expect(document.attribute("time", of: root) == "2.500")
        #expect(document.elements("testsuite/testcase").count == 4)
        #expect(document.elements("testsuite/testcase/failure").count == 1)
        #expect(document.elements("testsuite/testcase/skipped").count == 1)
        #expect(document.elements("testsuite/testcase/error").isEmpty)
        #expect(document.elements("testsuite/testcase/properties").isEmpty)
    }

    @Test func eachTargetIsATestsuiteWithItsOwnCounts() throws {
        let document = try read([ReportFixtures.mixedSuite])
        let suites = document.elements("testsuite").map { suite in
            ["name", "tests", "failures", "errors", "skipped", "time"].map { document.attribute($0, of: suite) ?? "-" }
                .joined(separator: " ")
        }
        #expect(
            suites == [
                "fibonacci-generator 1 0 0 0 0.410", "parser 1 1 0 0 1.200", "service-startup 1 0 0 1 0.000",
                "exercises 1 0 0 0 0.050",
            ])
    }

    @Test func countsAddUpAcrossSuitesAndTestsuiteNamesStayUnique() throws {
        let document = try read([ReportFixtures.mixedSuite, ReportFixtures.secondSuite])
        let root = try #require(document.root)
        #expect(document.attribute("name", of: root) == nil)
        #expect(document.attribute("tests", of: root) == "6")
        #expect(document.attribute("failures", of: root) == "2")
        #expect(document.attribute("time", of: root) == "5.750")
        #expect(
            document.elements("testsuite").map { document.attribute("name", of: $0) } == [
                "memgate/fibonacci-generator", "memgate/parser", "memgate/service-startup", "memgate/exercises",
                "nightly/parser", "nightly/fibonacci-generator",
            ])
    }

    @Test func setupErrorIsAnErrorNotAFailure() throws {
        let error = CaseResult(
            target: "tests", name: "tests/test_db.py::test_query", status: .failed,
            findings: [Finding(kind: .testError, message: "error in setup: RuntimeError: no database")],
            durationSeconds: 0.02)
        let suite = SuiteResult(name: "memgate", cases: [error, ReportFixtures.failing], durationSeconds: 1)
        let document = try read([suite])
        let root = try #require(document.root)
        #expect(document.attribute("failures", of: root) == "1")
        #expect(document.attribute("errors", of: root) == "1")
        let element = try #require(document.elements("testsuite/testcase/error").first)
        #expect(document.attribute("type", of: element) == "testError")
        #expect(
            document.attribute("message", of: element)
                == "error in setup: RuntimeError: no database; peak not measured; budget none")
        #expect(document.text(of: element) == "testError: error in setup: RuntimeError: no database\n")
        #expect(document.elements("testsuite/testcase/failure").count == 1)
    }

    @Test func testcaseCarriesClassnameTimeAndFiguresInSystemOut() throws {
        let document = try read([ReportFixtures.mixedSuite])
        let testcase = try #require(document.elements("testsuite/testcase").first)
        #expect(document.attribute("classname", of: testcase) == "fibonacci-generator")
        #expect(document.attribute("name", of: testcase) == "fibonacci-generator")
        #expect(document.attribute("time", of: testcase) == "0.410")
        let output = try #require(document.children(of: testcase).first)
        #expect(document.name(of: output) == "system-out")
        #expect(
            document.text(of: output) == """
                peak: 1.6 KiB (1638 B)
                limit: 100.0 KiB (102400 B)
                baseline peak: 1.5 KiB (1536 B)
                total allocated: 4.0 KiB (4096 B)
                allocations: 12
                live at end: 0 B (0 B)
                flamegraph: flamegraphs/fibonacci-generator.html
                Top sites at peak:
                  1.6 KiB  fib @ fib.py:3

                """)
        #expect(document.elements("testsuite/testcase/system-out").count == 4)
    }

    @Test(arguments: [
        ("tests/test_fib.py::test_x[1-2]", "tests.test_fib", "test_x[1-2]"),
        ("test_fib.py::TestFib::test_x", "test_fib.TestFib", "test_x"),
        ("a/b/test_c.py::test_d[x::y/z.py]", "a.b.test_c", "test_d[x::y/z.py]"),
        ("targets/tests/test_lists.py::test_append", "targets.tests.test_lists", "test_append"),
    ])
    func pytestNodeIDsFollowPytestsClassnameConvention(nodeID: String, className: String, name: String) {
        #expect(JUnitCaseName.pytest(nodeID: nodeID) == JUnitCaseName(className: className, name: name))
    }

    @Test(arguments: [
        "tests/test_fib.py::test_x[1-2]", "a:::b", ":::", "::", "a::", "::b", "x.py::", "a/b.py::C::d[::]",
        "nocolon", "a:b::c", "[::]", "a::b[", "p.py.py::t", "/x/.py::y", "a::b::c::d[e]f]", "a\r\n::b",
    ])
    func asciiNodeIDsAreNamedByBytesAsByCharacters(nodeID: String) {
        #expect(JUnitCaseName.pytest(nodeID: nodeID) == JUnitCaseName.pytestCharacters(nodeID: nodeID))
    }

    @Test func nonASCIINodeIDIsNamedByCharacters() {
        #expect(
            JUnitCaseName.pytest(nodeID: "tésts/t.py::Cl::test_é[ü::/]")
                == JUnitCaseName(className: "tésts.t.Cl", name: "test_é[ü::/]"))
    }

    @Test func nonPytestCaseIsNamedByItsTarget() {
        #expect(JUnitCaseName.pytest(nodeID: "fibonacci-generator") == nil)
        #expect(
            JUnitCaseName(ReportFixtures.failing) == JUnitCaseName(className: "parser", name: "parser"))
    }

    @Test func failureNamesReasonPeakBudgetFindingsAndTopSites() throws {
        let document = try read([ReportFixtures.mixedSuite])
        let failure = try #require(document.elements("testsuite/testcase/failure").first)
        #expect(
            document.attribute("message", of: failure)
                == "peak 122.1 MiB exceeds limit 100.0 KiB; peak 122.1 MiB; budget 100.0 KiB"
        )
        #expect(document.attribute("type", of: failure) == "limitExceeded")
        #expect(
            document.text(of: failure) == """
                limitExceeded: peak 122.1 MiB exceeds limit 100.0 KiB
                siteGrown: build_list @ fib.py grew by 20.0 MiB (+20.0%)

                Top sites at peak:
                  120.2 MiB  build_list @ fib.py:12
                    2.0 MiB  parse_row @ parser.py:88
                      512 B  tokenize @ lexer.py:5
                      100 B  helper @ util.py:1

                """
        )
    }

    @Test func systemOutHoldsFiguresAndTopSitesThenNoticesThenOutputTail() {
        #expect(
            JUnitText.systemOut(of: ReportFixtures.failing) == """
                peak: 122.1 MiB (128000000 B)
                limit: 100.0 KiB (102400 B)
                leak limit: 0 B (0 B)
                baseline peak: 102.0 MiB (106954752 B)
                total allocated: 244.1 MiB (256000000 B)
                allocations: 5000
                live at end: 4.0 KiB (4096 B)
                Top sites at peak:
                  120.2 MiB  build_list @ fib.py:12
                    2.0 MiB  parse_row @ parser.py:88
                      512 B  tokenize @ lexer.py:5
                      100 B  helper @ util.py:1

                notice: environmentMismatch: baseline recorded on aarch64

                Output tail:
                Killed

                """
        )
        #expect(
            JUnitText.systemOut(of: ReportFixtures.skipped)
                == "notice: missingBaseline: no interpreter at .venv/bin/python\n")
        #expect(JUnitText.systemOut(of: CaseResult(target: "t", name: "t", status: .passed)) == "")
    }

    @Test func skippedCaseHasSkippedElementWithReason() throws {
        let document = try read([ReportFixtures.mixedSuite])
        let skipped = try #require(document.elements("testsuite/testcase/skipped").first)
        #expect(document.attribute("message", of: skipped) == "no interpreter at .venv/bin/python")
    }

    @Test func hostileNamesAndControlCharactersStayWellFormed() throws {
        let data = try JUnitReport.render([ReportFixtures.hostileSuite])
        let document = try #require(LibXMLReading(data), "not well-formed:\n\(String(decoding: data, as: UTF8.self))")
        let testcase = try #require(document.elements("testsuite/testcase").first)
        #expect(document.attribute("name", of: testcase) == "a<b>&\"c\"")
        let suite = try #require(document.elements("testsuite").first)
        #expect(document.attribute("name", of: suite) == "suite\\u{8}<&>")
        #expect(document.attribute("time", of: suite) == "0.000")
        let failure = try #require(document.elements("testsuite/testcase/failure").first)
        #expect(
            document.attribute("message", of: failure)
                == "boom\\u{0}\\u{1B}[31mred\\u{7}\\u{FFFE} <&> ]]>; peak 10 B; budget none"
        )
        #expect(
            document.text(of: failure).hasPrefix("targetCrashed: boom\\u{0}\\u{1B}[31mred\\u{7}\\u{FFFE} <&> ]]>\n"))
        #expect(document.text(of: failure).contains("10 B  f<\\u{1}> @ we&ird\\u{B}.py:2"))
        let output = document.text(of: try #require(document.elements("testsuite/testcase/system-out").first))
        #expect(output.contains("\nflamegraph: a\"b'<c>.html\n"))
        #expect(output.hasSuffix("\n\nOutput tail:\ntail \\u{1B}[0m\\u{C}\\u{FFFF} ]]> end\r\n"))
    }

    @Test func renderedDocumentStartsWithUTF8Declaration() throws {
        let text = String(decoding: try JUnitReport.render([]), as: UTF8.self)
        #expect(text.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites"))
    }
}
