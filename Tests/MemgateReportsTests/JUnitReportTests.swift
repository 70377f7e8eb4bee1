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
        #expect(document.attribute("tests", of: root) == "4")
        #expect(document.attribute("failures", of: root) == "1")
        #expect(document.attribute("errors", of: root) == "0")
        #expect(document.attribute("skipped", of: root) == "1")
        #expect(document.attribute("time", of: root) == "2.500")

        let suite = try #require(document.elements("testsuite").first)
        #expect(document.attribute("name", of: suite) == "memgate")
        #expect(document.attribute("tests", of: suite) == "4")
        #expect(document.attribute("failures", of: suite) == "1")
        #expect(document.attribute("skipped", of: suite) == "1")
        #expect(document.elements("testsuite/testcase").count == 4)
        #expect(document.elements("testsuite/testcase/failure").count == 1)
        #expect(document.elements("testsuite/testcase/skipped").count == 1)
        #expect(document.elements("testsuite/testcase/error").isEmpty)
    }

    @Test func countsAddUpAcrossSuites() throws {
        let document = try read([ReportFixtures.mixedSuite, ReportFixtures.secondSuite])
        let root = try #require(document.root)
        #expect(document.attribute("tests", of: root) == "6")
        #expect(document.attribute("failures", of: root) == "2")
        #expect(document.attribute("skipped", of: root) == "1")
        #expect(document.attribute("time", of: root) == "5.750")
        #expect(document.elements("testsuite").map { document.attribute("name", of: $0) } == ["memgate", "nightly"])
    }

    @Test func testcaseCarriesClassnameTimeAndFigures() throws {
        let document = try read([ReportFixtures.mixedSuite])
        let testcase = try #require(document.elements("testsuite/testcase").first)
        #expect(document.attribute("classname", of: testcase) == "memgate.memgate")
        #expect(document.attribute("name", of: testcase) == "fibonacci-generator")
        #expect(document.attribute("time", of: testcase) == "0.410")
        let properties = document.children(of: try #require(document.children(of: testcase).first))
        let pairs = properties.map { "\(document.attribute("name", of: $0)!)=\(document.attribute("value", of: $0)!)" }
        #expect(
            pairs == [
                "peak_bytes=1638", "total_bytes=4096", "allocations=12", "bytes_at_end=0", "baseline_peak_bytes=1536",
                "limit_bytes=102400", "flamegraph=flamegraphs/fibonacci-generator.html",
            ]
        )
        #expect(document.elements("testsuite/testcase/system-out").count == 3)
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

    @Test func systemOutHoldsNoticesThenOutputTail() {
        #expect(
            JUnitReport.systemOut(of: ReportFixtures.failing) == """
                notice: environmentMismatch: baseline recorded on aarch64

                Output tail:
                Killed

                """
        )
        #expect(
            JUnitReport.systemOut(of: ReportFixtures.skipped)
                == "notice: missingBaseline: no interpreter at .venv/bin/python\n")
        #expect(JUnitReport.systemOut(of: CaseResult(target: "t", name: "t", status: .passed)) == "")
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
        let output = try #require(document.elements("testsuite/testcase/system-out").first)
        #expect(document.text(of: output) == "Output tail:\ntail \\u{1B}[0m\\u{C}\\u{FFFF} ]]> end\r\n")
        let flamegraph = document.elements("testsuite/testcase/properties/property").last
        #expect(flamegraph.map { document.attribute("value", of: $0) } == "a\"b'<c>.html")
    }

    @Test func renderedDocumentStartsWithUTF8Declaration() throws {
        let text = String(decoding: try JUnitReport.render([]), as: UTF8.self)
        #expect(text.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites"))
    }
}
