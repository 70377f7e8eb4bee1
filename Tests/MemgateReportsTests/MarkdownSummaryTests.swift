import MemgateCore
import Testing

@testable import MemgateReports

@Suite struct MarkdownSummaryTests {
    @Test func mixedSuiteRendersHeadingTableAndFailures() {
        #expect(
            MarkdownSummary.render(ReportFixtures.mixedSuite) == """
                ## memgate: memgate — 2 passed, 1 failed, 1 skipped

                | Target | Verdict | Peak | Budget | Baseline | Δ |
                |---|:---:|---:|---:|---:|---:|
                | fibonacci-generator | ✅ pass | 1.6 KiB | 100.0 KiB | 1.5 KiB | +102 B (+6.6%) |
                | parser | ❌ fail | 122.1 MiB | 100.0 KiB | 102.0 MiB | +20.1 MiB (+19.7%) |
                | service-startup | ⏭ skip | — | — | — | — |
                | targets/tests/test\\_lists.py::test\\_append | ✅ pass | 512 B | — | — | — |

                ### Failures

                - **parser**: peak 122.1 MiB exceeds limit 100.0 KiB
                  - top site: 120.2 MiB  build\\_list @ fib.py:12

                ### Notices

                - **parser**: baseline recorded on aarch64
                - **targets/tests/test\\_lists.py::test\\_append**: baseline is stale; run \\`memgate run --update-baselines\\`

                """
        )
    }

    @Test func emptySuiteSaysSo() {
        #expect(
            MarkdownSummary.render(SuiteResult(name: "memgate", cases: [], durationSeconds: 0))
                == "## memgate: memgate — 0 passed, 0 failed, 0 skipped\n\nNo cases ran.\n"
        )
    }

    @Test(arguments: [
        ("a|b", "a\\|b"),
        ("line1\nline2", "line1<br>line2"),
        ("crlf\r\nend", "crlf<br>end"),
        ("<script>&amp", "\\<script\\>&amp;amp"),
        (
            "*bold* _it_ `code` [link](x) ~~s~~ #1 !",
            "\\*bold\\* \\_it\\_ \\`code\\` \\[link\\](x) \\~\\~s\\~\\~ \\#1 \\!"
        ),
        ("back\\slash", "back\\\\slash"),
        ("esc\u{1B}[1m", "esc\\\\u{1B}\\[1m"),
        ("plain-name_1.2", "plain-name\\_1.2"),
    ])
    func escapesMarkupPipesAndNewlines(input: String, expected: String) {
        #expect(MarkdownSummary.escape(input) == expected)
    }

    @Test func hostileNameKeepsTheRowOnOneLine() {
        let result = CaseResult(
            target: "t", name: "a|b\nc", status: .failed,
            findings: [
                Finding(kind: .testFailed, message: "assert 1 ==\n2")
            ])
        let markdown = MarkdownSummary.render(SuiteResult(name: "s", cases: [result], durationSeconds: 0))
        #expect(markdown.contains("\n| a\\|b<br>c | ❌ fail | — | — | — | — |\n"))
        #expect(markdown.contains("\n- **a\\|b<br>c**: assert 1 ==\n"))
    }
}
