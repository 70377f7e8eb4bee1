import MemgateCore
import Testing

@testable import MemgateReports

@Suite struct ConsoleReportTests {
    private let plain = ConsoleStyle(colorEnabled: false)

    private func spaces(_ count: Int) -> String { String(repeating: " ", count: count) }

    @Test(arguments: [
        ([String: String](), true, true),
        (["NO_COLOR": "1"], true, false),
        (["NO_COLOR": ""], true, false),
        (["NO_COLOR": "0", "TERM": "xterm-256color"], true, false),
        (["TERM": "dumb"], true, false),
        (["TERM": "xterm-256color"], true, true),
        ([String: String](), false, false),
        (["TERM": "xterm-256color"], false, false),
    ])
    func colourDetection(environment: [String: String], isTTY: Bool, colorEnabled: Bool) {
        #expect(ConsoleStyle.detect(environment: environment, isTTY: isTTY) == ConsoleStyle(colorEnabled: colorEnabled))
    }

    @Test func passingProgressLine() {
        #expect(
            ConsoleReport.progressLine(index: 1, count: 4, result: ReportFixtures.passing, style: plain)
                == "[1/4] PASS fibonacci-generator  peak 1.6 KiB (limit 100.0 KiB)  0.41 s"
        )
    }

    @Test func failingProgressLineListsMessagesAndTopThreeSites() {
        #expect(
            ConsoleReport.progressLine(index: 2, count: 4, result: ReportFixtures.failing, style: plain) == """
                [2/4] FAIL parser  peak 122.1 MiB (limit 100.0 KiB)  1.20 s  \
                (3 runs: min 121.1 MiB, median 122.1 MiB, max 123.0 MiB; gated on the median)
                    - peak 122.1 MiB exceeds limit 100.0 KiB
                    - build_list @ fib.py grew by 20.0 MiB (+20.0%)
                    top sites at peak:
                      120.2 MiB  build_list @ fib.py:12
                        2.0 MiB  parse_row @ parser.py:88
                          512 B  tokenize @ lexer.py:5
                """
        )
    }

    @Test func skippedProgressLineGivesReasonAndCounterIsPadded() {
        #expect(
            ConsoleReport.progressLine(index: 3, count: 12, result: ReportFixtures.skipped, style: plain)
                == "[ 3/12] SKIP service-startup  no interpreter at .venv/bin/python  0.00 s"
        )
    }

    @Test func baselineShownWhenThereIsNoLimit() {
        var result = ReportFixtures.passing
        result.budget = Budget()
        #expect(
            ConsoleReport.progressLine(index: 1, count: 1, result: result, style: plain)
                == "[1/1] PASS fibonacci-generator  peak 1.6 KiB (baseline 1.5 KiB)  0.41 s"
        )
    }

    @Test func colouredVerdictAndEscapedControlCharacters() {
        var result = ReportFixtures.passing
        result.name = "evil\u{1B}[2Jname"
        #expect(
            ConsoleReport.progressLine(index: 1, count: 1, result: result, style: ConsoleStyle(colorEnabled: true))
                == "[1/1] \u{1B}[32mPASS\u{1B}[0m evil\\u{1B}[2Jname  peak 1.6 KiB (limit 100.0 KiB)  0.41 s"
        )
    }

    @Test func tableAlignsColumnsWithWideCharactersAndSummarizes() {
        let unicode = CaseResult(target: "u", name: "naïve-日本", status: .skipped)
        let suite = SuiteResult(
            name: "memgate", cases: [ReportFixtures.passing, ReportFixtures.failing, unicode], durationSeconds: 2
        )
        let expected = [
            "Target" + spaces(15) + "Verdict" + spaces(7) + "Peak" + spaces(6) + "Limit" + spaces(3) + "Baseline"
                + spaces(19) + "Δ" + spaces(4) + "Time",
            [19, 7, 9, 9, 9, 18, 6].map { String(repeating: "-", count: $0) }.joined(separator: "  "),
            "fibonacci-generator  PASS" + spaces(7) + "1.6 KiB  100.0 KiB" + spaces(4) + "1.5 KiB" + spaces(6)
                + "+102 B (+6.6%)  0.41 s",
            "parser" + spaces(15) + "FAIL" + spaces(5) + "122.1 MiB  100.0 KiB  102.0 MiB  +20.1 MiB (+19.7%)  1.20 s",
            "naïve-日本" + spaces(11) + "SKIP" + spaces(13) + "-" + spaces(10) + "-" + spaces(10) + "-" + spaces(19)
                + "-  0.00 s",
            "",
            "1 passed, 1 failed, 1 skipped",
        ]
        #expect(ConsoleReport.table(suite, style: plain) == expected.joined(separator: "\n") + "\n")
    }

    @Test func summaryLine() {
        #expect(ConsoleReport.summary(ReportFixtures.mixedSuite, style: plain) == "2 passed, 1 failed, 1 skipped")
    }

    @Test(arguments: [
        (Int64(0), "0 B"), (512, "512 B"), (1023, "1023 B"), (1024, "1.0 KiB"), (1638, "1.6 KiB"),
        (102_400, "100.0 KiB"), (1_048_575, "1.0 MiB"), (1_048_576, "1.0 MiB"), (126_038_016, "120.2 MiB"),
        (5_368_709_120, "5.0 GiB"), (-2048, "-2.0 KiB"),
    ])
    func byteFormatting(bytes: Int64, expected: String) {
        #expect(ReportFigures.bytes(bytes) == expected)
    }

    @Test(arguments: [("abc", 3), ("e\u{301}", 1), ("日本", 4), ("🚀", 2), ("✅", 2), ("naïve", 5)])
    func displayWidth(text: String, columns: Int) {
        #expect(DisplayWidth.of(text) == columns)
    }
}
