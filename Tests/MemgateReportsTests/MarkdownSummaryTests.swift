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

    @Test func theLastAcceptedReasonIsListedPerCase() {
        var accepted = ReportFixtures.passing
        accepted.baseline?.accepted = BaselineAcceptance(
            reason: "cache *all* the things", date: "2026-11-26",
            old: .init(peakBytes: 1024, totalBytes: 1024, allocationCount: 1, bytesAtEnd: 0),
            new: .init(peakBytes: 1536, totalBytes: 2048, allocationCount: 2, bytesAtEnd: 0))
        let markdown = MarkdownSummary.render(SuiteResult(name: "memgate", cases: [accepted], durationSeconds: 1))
        #expect(
            markdown.hasSuffix(
                """

                ### Accepted changes

                - **fibonacci-generator**: accepted 2026-11-26: cache \\*all\\* the things (peak 1.0 KiB → 1.5 KiB)

                """))
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

    @Test func printableASCIIIsEscapedByteByByteAsCharacterByCharacter() {
        let printable = (0x20...0x7E).map { String(UnicodeScalar(UInt8($0))) }
        for text in printable + [printable.joined(), "tests/test_x.py::test_a[1-&-|]", ""] {
            #expect(MarkdownSummary.escape(text) == MarkdownSummary.escapeCharacters(text), "\(text)")
        }
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
