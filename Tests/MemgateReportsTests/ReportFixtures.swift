import MemgateCore

/// In-memory results with known figures, shared by the reporter tests.
enum ReportFixtures {
    static let environment = EnvironmentFingerprint(python: "3.11.7", libc: "glibc 2.36", arch: "x86_64")

    static func pythonStack(_ function: String, _ file: String, _ line: Int, bytesAtPeak: Int64) -> StackRecord {
        StackRecord(
            frames: [
                Frame(function: "<module>", file: file, line: 1, kind: .python),
                Frame(function: function, file: file, line: line, kind: .python),
            ],
            bytesAtPeak: bytesAtPeak, allocationsAtPeak: 1, totalBytes: bytesAtPeak, allocationCount: 1, bytesAtEnd: 0
        )
    }

    static func baseline(_ name: String, peakBytes: Int64) -> Baseline {
        Baseline(
            name: name, peakBytes: peakBytes, totalBytes: peakBytes * 2, allocationCount: 10, bytesAtEnd: 0,
            sites: ["build_list @ fib.py": .init(bytesAtPeak: peakBytes, allocationsAtPeak: 3, line: 12)],
            environment: environment
        )
    }

    /// Passes within its limit, 102 B above its baseline.
    static let passing = CaseResult(
        target: "fibonacci-generator", name: "fibonacci-generator", status: .passed,
        profile: Profile(
            regionName: "fibonacci-generator", peakBytes: 1638, totalBytes: 4096, allocationCount: 12, bytesAtEnd: 0,
            stacks: [pythonStack("fib", "fib.py", 3, bytesAtPeak: 1638)],
            timeline: [
                TimelineSample(timeNanoseconds: 0, liveBytes: 0), TimelineSample(timeNanoseconds: 5, liveBytes: 1638),
            ]
        ),
        budget: Budget(limitBytes: 102_400), baseline: baseline("fibonacci-generator", peakBytes: 1536),
        durationSeconds: 0.41, processEnd: .exited(code: 0), flamegraphPath: "flamegraphs/fibonacci-generator.html",
        environment: environment
    )

    /// Fails its limit and a grown site; four sites at the peak.
    static let failing = CaseResult(
        target: "parser", name: "parser", status: .failed,
        findings: [
            Finding(kind: .limitExceeded, message: "peak 122.1 MiB exceeds limit 100.0 KiB", bytes: 127_897_600),
            Finding(
                kind: .siteGrown, message: "build_list @ fib.py grew by 20.0 MiB (+20.0%)",
                site: SiteKey(function: "build_list", file: "fib.py"), bytes: 20_971_520
            ),
            Finding(kind: .environmentMismatch, message: "baseline recorded on aarch64"),
        ],
        profile: Profile(
            regionName: "parser", peakBytes: 128_000_000, totalBytes: 256_000_000, allocationCount: 5000,
            bytesAtEnd: 4096, completion: .interrupted,
            stacks: [
                pythonStack("build_list", "fib.py", 12, bytesAtPeak: 126_038_016),
                pythonStack("parse_row", "parser.py", 88, bytesAtPeak: 2_097_152),
                pythonStack("tokenize", "lexer.py", 5, bytesAtPeak: 512),
                pythonStack("helper", "util.py", 1, bytesAtPeak: 100),
            ]
        ),
        budget: Budget(limitBytes: 102_400, leakLimitBytes: 0), baseline: baseline("parser", peakBytes: 106_954_752),
        durationSeconds: 1.2, repeatPeakBytes: [127_000_000, 128_000_000, 129_000_000],
        processEnd: .signalled(signal: 9), outputTail: "Killed\n"
    )

    static let skipped = CaseResult(
        target: "service-startup", name: "service-startup", status: .skipped,
        findings: [Finding(kind: .missingBaseline, message: "no interpreter at .venv/bin/python")]
    )

    /// Passes with a notice and some output.
    static let passingWithNotice = CaseResult(
        target: "exercises", name: "targets/tests/test_lists.py::test_append", status: .passed,
        findings: [Finding(kind: .staleBaseline, message: "baseline is stale; run `memgate run --update-baselines`")],
        profile: Profile(
            regionName: "test_append", peakBytes: 512, totalBytes: 1024, allocationCount: 2, bytesAtEnd: 0),
        durationSeconds: 0.05, processEnd: .timedOut(afterSeconds: 120), outputTail: "collected 1 item\n. [100%]\n"
    )

    /// 2 passed, 1 failed, 1 skipped.
    static let mixedSuite = SuiteResult(
        name: "memgate", cases: [passing, failing, skipped, passingWithNotice], durationSeconds: 2.5
    )

    static let secondSuite = SuiteResult(name: "nightly", cases: [failing, passing], durationSeconds: 3.25)

    /// Names and texts no XML document could carry unescaped or at all.
    static let hostile = CaseResult(
        target: "suite\u{8}<&>", name: "a<b>&\"c\"", status: .failed,
        findings: [Finding(kind: .targetCrashed, message: "boom\u{0}\u{1B}[31mred\u{7}\u{FFFE} <&> ]]>")],
        profile: Profile(
            regionName: "x", peakBytes: 10, totalBytes: 10, allocationCount: 1, bytesAtEnd: 0,
            stacks: [pythonStack("f<\u{1}>", "we&ird\u{B}.py", 2, bytesAtPeak: 10)]
        ),
        flamegraphPath: "a\"b'<c>.html", outputTail: "tail \u{1B}[0m\u{C}\u{FFFF} ]]> end\r\n"
    )

    static let hostileSuite = SuiteResult(name: "suite\u{8}<&>", cases: [hostile], durationSeconds: .nan)

    /// pytest cases of one target: a setup error, a parametrized pass and a skip with its
    /// reason; names that are equal across modules, as pytest suites have.
    static let suiteWithErrorAndPytestNames = SuiteResult(
        name: "memgate",
        cases: [
            CaseResult(
                target: "tests", name: "tests/test_db.py::test_query", status: .failed,
                findings: [Finding(kind: .testError, message: "error in setup: RuntimeError: no database")]),
            CaseResult(target: "tests", name: "tests/test_db.py::test_sum[1-2]", status: .passed),
            CaseResult(target: "tests", name: "tests/test_api.py::test_sum[1-2]", status: .passed),
            CaseResult(
                target: "tests", name: "tests/test_api.py::TestApi::test_get", status: .skipped,
                findings: [Finding(kind: .testSkipped, message: "needs network")]),
        ],
        durationSeconds: 0.5)
}
