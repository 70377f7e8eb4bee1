import Testing

@testable import MemgateCore

/// `Verdict.decide`, the one place a case's status is decided, as one table: every finding
/// kind and every outcome (process ends, capture completeness, budgets, baselines, pytest
/// outcomes and markers, `--update-baselines`, memgate's own launch failure).
@Suite struct VerdictTests {
    static let linux = EnvironmentFingerprint(python: "3.11.7", libc: "glibc 2.36", arch: "x86_64")
    static let mib: Int64 = 1_048_576

    /// A complete profile of `peak` bytes, all of it at `build @ app.py` (or the given sites).
    static func profile(
        peak: Int64 = 1 * mib, atEnd: Int64 = 0, allocations: Int64 = 10, sites: [String: Int64]? = nil,
        completion: Profile.Completion = .complete, unmeasured: String? = nil, notices: [String]? = nil
    ) -> Profile {
        let stacks = (sites ?? ["build": peak]).sorted { $0.key < $1.key }.map { function, bytes in
            StackRecord(
                frames: [Frame(function: function, file: "app.py", line: 1, kind: .python)],
                bytesAtPeak: bytes, allocationsAtPeak: 1, totalBytes: bytes, allocationCount: 1, bytesAtEnd: atEnd)
        }
        var profile = Profile(
            regionName: "case", peakBytes: peak, totalBytes: peak, allocationCount: allocations, bytesAtEnd: atEnd,
            completion: completion, stacks: stacks)
        profile.unmeasuredReason = unmeasured
        profile.captureNotices = notices
        return profile
    }

    static func baseline(
        peak: Int64 = 1 * mib, sites: [String: Int64]? = nil, environment: EnvironmentFingerprint = linux
    )
        -> Baseline
    {
        Baseline(
            name: "case", peakBytes: peak, totalBytes: peak, allocationCount: 10, bytesAtEnd: 0,
            sites: (sites ?? ["build": peak]).reduce(into: [:]) {
                $0["\($1.key) @ app.py"] = .init(bytesAtPeak: $1.value, allocationsAtPeak: 1, line: 1)
            },
            environment: environment)
    }

    static func evidence(
        profile: Profile? = profile(), end: CaseResult.ProcessEnd? = .exited(code: 0), baseline: Baseline? = baseline(),
        budget: Budget = Budget(), test: PytestOutcome? = nil, missing: String? = nil, launchFailure: String? = nil,
        update: Bool = false, ratchet: Bool = false, resident: Int64? = nil, outOfMemory: Bool = false
    ) -> CaseEvidence {
        CaseEvidence(
            caseName: "case", profile: profile, processEnd: end, missingCaptureReason: missing,
            launchFailure: launchFailure, test: test, baseline: baseline, environment: linux, budget: budget,
            tolerance: Tolerance(), updateBaselines: update, ratchet: ratchet, residentPeakBytes: resident,
            killedOutOfMemory: outOfMemory)
    }

    static func test(
        _ outcome: String, phase: String = "call", text: String? = nil, limitMemory: String? = nil,
        limitLeaks: String? = nil, problems: [String]? = nil
    ) -> PytestOutcome {
        PytestOutcome(
            nodeID: "t.py::test_a", outcome: outcome, phase: phase, longRepresentation: text, limitMemory: limitMemory,
            limitLeaks: limitLeaks, markerProblems: problems)
    }

    static func residentBaseline(_ bytes: Int64) -> Baseline {
        var recorded = baseline()
        recorded.residentPeakBytes = bytes
        return recorded
    }

    struct Row: CustomTestStringConvertible, Sendable {
        var name: String
        var evidence: CaseEvidence
        var status: CaseResult.Status
        var kinds: [Finding.Kind]
        var testDescription: String { name }
    }

    static let table: [Row] = [
        Row(name: "within everything", evidence: evidence(), status: .passed, kinds: []),
        Row(
            name: "peak over limit", evidence: evidence(budget: Budget(limitBytes: mib - 1)), status: .failed,
            kinds: [.limitExceeded]),
        Row(
            name: "leak limit", evidence: evidence(profile: profile(atEnd: 10), budget: Budget(leakLimitBytes: 0)),
            status: .failed, kinds: [.leakLimitExceeded]),
        Row(
            name: "allocation count", evidence: evidence(budget: Budget(maxAllocations: 9)), status: .failed,
            kinds: [.allocationLimitExceeded]),
        Row(
            name: "peak regression", evidence: evidence(baseline: baseline(peak: mib / 2, sites: ["build": mib])),
            status: .failed, kinds: [.peakRegression]),
        Row(
            name: "site grown",
            evidence: evidence(
                profile: profile(peak: mib, sites: ["build": mib / 2 + 100_000, "parse": mib / 2 - 100_000]),
                baseline: baseline(peak: mib, sites: ["build": mib / 2, "parse": mib / 2])),
            status: .failed, kinds: [.siteGrown]),
        Row(
            name: "new site",
            evidence: evidence(
                profile: profile(peak: mib, sites: ["build": mib / 2, "fresh": mib / 2]),
                baseline: baseline(peak: mib, sites: ["build": mib / 2, "gone": mib / 2])),
            status: .failed, kinds: [.siteNew]),
        Row(
            name: "stale baseline", evidence: evidence(baseline: baseline(peak: 2 * mib, sites: ["build": mib])),
            status: .passed, kinds: [.staleBaseline]),
        Row(
            name: "stale baseline under the ratchet",
            evidence: evidence(baseline: baseline(peak: 2 * mib, sites: ["build": mib]), ratchet: true),
            status: .failed, kinds: [.ratchetStale]),
        Row(
            name: "ratchet within tolerance",
            evidence: evidence(baseline: baseline(peak: mib + 52_428, sites: ["build": mib]), ratchet: true),
            status: .passed, kinds: []),
        Row(
            name: "ratchet with --update-baselines",
            evidence: evidence(baseline: baseline(peak: 2 * mib, sites: ["build": mib]), update: true, ratchet: true),
            status: .passed, kinds: [.baselineUpdated]),
        Row(
            name: "RSS over limit-rss",
            evidence: evidence(budget: Budget(limitResidentBytes: 32 * mib), resident: 64 * mib),
            status: .failed, kinds: [.residentLimitExceeded]),
        Row(
            name: "RSS under limit-rss",
            evidence: evidence(budget: Budget(limitResidentBytes: 32 * mib), resident: 32 * mib), status: .passed,
            kinds: []),
        Row(
            name: "limit-rss without an RSS figure", evidence: evidence(budget: Budget(limitResidentBytes: mib)),
            status: .failed, kinds: [.residentLimitExceeded]),
        Row(
            name: "RSS regression",
            evidence: evidence(baseline: residentBaseline(40 * mib), resident: 50 * mib + 1), status: .failed,
            kinds: [.residentRegression]),
        Row(
            name: "RSS within rss-tolerance",
            evidence: evidence(baseline: residentBaseline(40 * mib), resident: 50 * mib), status: .passed, kinds: []),
        Row(
            name: "killed by the OOM killer",
            evidence: evidence(end: .signalled(signal: 9), resident: 2 * mib, outOfMemory: true), status: .failed,
            kinds: [.targetOutOfMemory]),
        Row(name: "no baseline yet", evidence: evidence(baseline: nil), status: .passed, kinds: [.missingBaseline]),
        Row(
            name: "other environment",
            evidence: evidence(
                baseline: baseline(
                    environment: EnvironmentFingerprint(python: "3.12.1", libc: "glibc 2.36", arch: "x86_64"))),
            status: .passed, kinds: [.environmentMismatch]),
        Row(
            name: "crash", evidence: evidence(end: .signalled(signal: 11)), status: .failed, kinds: [.targetCrashed]),
        Row(
            name: "timeout", evidence: evidence(end: .timedOut(afterSeconds: 5)), status: .failed,
            kinds: [.targetTimedOut]),
        Row(
            name: "non-zero exit", evidence: evidence(end: .exited(code: 4)), status: .failed,
            kinds: [.targetExitedNonZero]),
        Row(
            name: "memgate could not launch",
            evidence: evidence(profile: nil, end: nil, launchFailure: "command not found: x"),
            status: .failed, kinds: [.launchFailed]),
        Row(
            name: "nothing captured", evidence: evidence(profile: nil), status: .failed, kinds: [.noMeasurement]),
        Row(
            name: "out of the tracker's reach", evidence: evidence(profile: nil, missing: "statically linked"),
            status: .failed, kinds: [.notMeasured]),
        Row(
            name: "capture never finalized", evidence: evidence(profile: profile(completion: .interrupted)),
            status: .failed, kinds: [.notMeasured]),
        Row(
            name: "tracker capacity notice", evidence: evidence(profile: profile(notices: ["stack table full"])),
            status: .passed, kinds: [.captureLimit]),
        Row(
            name: "pytest assertion", evidence: evidence(end: nil, test: test("failed", text: "E assert 1 == 2")),
            status: .failed, kinds: [.testFailed]),
        Row(
            name: "pytest fixture error",
            evidence: evidence(profile: nil, end: nil, test: test("failed", phase: "setup", text: "E RuntimeError")),
            status: .failed, kinds: [.testError]),
        Row(
            name: "pytest teardown error",
            evidence: evidence(end: nil, test: test("failed", phase: "teardown", text: "E OSError")), status: .failed,
            kinds: [.testError]),
        Row(
            name: "limit_memory is >=", evidence: evidence(end: nil, test: test("passed", limitMemory: "1 MB")),
            status: .failed, kinds: [.limitExceeded]),
        Row(
            name: "limit_memory above the peak",
            evidence: evidence(end: nil, test: test("passed", limitMemory: "2 MB")),
            status: .passed, kinds: []),
        Row(
            name: "limit_leaks",
            evidence: evidence(profile: profile(atEnd: 2048), end: nil, test: test("passed", limitLeaks: "1 KB")),
            status: .failed, kinds: [.leakLimitExceeded]),
        Row(
            name: "unparseable marker size", evidence: evidence(end: nil, test: test("passed", limitMemory: "1 QB")),
            status: .failed, kinds: [.markerInvalid]),
        Row(
            name: "marker problem from the plugin",
            evidence: evidence(
                end: nil, test: test("passed", limitMemory: "1 B", problems: ["limit_memory: unknown keyword 'size'"])),
            status: .failed, kinds: [.markerInvalid]),
        Row(
            name: "skipped test", evidence: evidence(profile: nil, end: nil, test: test("skipped", text: "needs GPU")),
            status: .skipped, kinds: [.testSkipped]),
        Row(
            name: "baseline written", evidence: evidence(baseline: nil, update: true), status: .passed,
            kinds: [.baselineUpdated]),
        Row(
            name: "no baseline from an unfinished capture",
            evidence: evidence(profile: profile(completion: .interrupted), baseline: nil, update: true),
            status: .failed, kinds: [.notMeasured, .missingBaseline]),
    ]

    @Test(arguments: table)
    func decides(row: Row) {
        let verdict = Verdict.decide(row.evidence)
        #expect(verdict.status == row.status)
        #expect(verdict.findings.map(\.kind) == row.kinds)
        #expect(verdict.findings == verdict.findings.filter(\.isFailure) + verdict.findings.filter { !$0.isFailure })
    }

    @Test func theTableCoversEveryFindingKind() {
        let covered = Set(Self.table.flatMap(\.kinds))
        #expect(Set(Finding.Kind.allCases).subtracting(covered) == [])
    }

    @Test func theRatchetSaysByHowMuchAndWhatToRun() {
        let verdict = Verdict.decide(
            Self.evidence(baseline: Self.baseline(peak: 2 * Self.mib, sites: ["build": Self.mib]), ratchet: true))
        #expect(
            verdict.findings == [
                Finding(
                    kind: .ratchetStale,
                    message: "ratchet: peak shrank 2.0 MiB → 1.0 MiB (-1.0 MiB, -50%) beyond tolerance 5% and noise "
                        + "floor 4.0 KiB; the baseline is stale: run `memgate run --update-baselines` and commit it to "
                        + "lock the improvement in",
                    bytes: -Self.mib)
            ])
        // A baseline of 1 103 764 B is 55 188 B above the 1 MiB peak, exactly 5% of it rounded
        // down: within tolerance. One byte more is beyond it.
        let base: Int64 = 1_103_764
        #expect(
            Verdict.decide(
                Self.evidence(baseline: Self.baseline(peak: base, sites: ["build": Self.mib]), ratchet: true)
            )
            .status == .passed)
        #expect(
            Verdict.decide(
                Self.evidence(baseline: Self.baseline(peak: base + 1, sites: ["build": Self.mib]), ratchet: true)
            ).status == .failed)
    }

    @Test func anAcceptedRegressionRecordsReasonDateAndBothFigures() throws {
        var evidence = Self.evidence(profile: Self.profile(peak: 3 * Self.mib), baseline: Self.baseline())
        evidence.acceptance = AcceptanceRequest(reason: "cache the index", date: "2026-11-26")
        let verdict = Verdict.decide(evidence)
        #expect(verdict.status == .passed)
        let written = try #require(verdict.baselineToWrite)
        #expect(written.peakBytes == 3 * Self.mib)
        #expect(
            written.accepted
                == BaselineAcceptance(
                    reason: "cache the index", date: "2026-11-26",
                    old: .init(peakBytes: Self.mib, totalBytes: Self.mib, allocationCount: 10, bytesAtEnd: 0),
                    new: .init(peakBytes: 3 * Self.mib, totalBytes: 3 * Self.mib, allocationCount: 10, bytesAtEnd: 0)))
        #expect(verdict.findings.map(\.kind) == [.baselineUpdated])
        #expect(
            verdict.findings.first?.message.hasPrefix("baseline accepted (cache the index): peak 1.0 MiB → 3.0 MiB")
                == true)

        // A later routine update keeps the last acceptance; a crashed run is never accepted.
        var later = Self.evidence(profile: Self.profile(peak: 4 * Self.mib), baseline: written, update: true)
        #expect(Verdict.decide(later).baselineToWrite?.accepted == written.accepted)
        later.processEnd = .signalled(signal: 9)
        later.acceptance = AcceptanceRequest(reason: "again", date: "2026-11-27")
        #expect(Verdict.decide(later).baselineToWrite == nil)
        #expect(Verdict.decide(later).status == .failed)
    }

    @Test func residentMemoryFindingsSayTheFigures() {
        let over = Verdict.decide(
            Self.evidence(budget: Budget(limitResidentBytes: 32 * Self.mib), resident: 64 * Self.mib))
        #expect(
            over.findings == [
                Finding(
                    kind: .residentLimitExceeded, message: "peak RSS 64.0 MiB exceeds limit-rss 32.0 MiB",
                    bytes: 32 * Self.mib)
            ])
        let grown = Verdict.decide(
            Self.evidence(baseline: Self.residentBaseline(40 * Self.mib), resident: 60 * Self.mib))
        #expect(
            grown.findings.first?.message
                == "peak RSS grew 40.0 MiB → 60.0 MiB (+20.0 MiB, +50%) beyond rss-tolerance 25% and noise floor 4.0 KiB"
        )
        let killed = Verdict.decide(
            Self.evidence(end: .signalled(signal: 9), resident: 1_992_294_400, outOfMemory: true))
        #expect(
            killed.findings.first?.message
                == "killed: out of memory at 1.9 GiB RSS (SIGKILL from the OOM killer); requested-bytes peak so far 1.0 MiB"
        )
    }

    @Test func aFreshBaselineKeepsItsRSSUntilItMovesBeyondRSSTolerance() throws {
        let previous = Self.residentBaseline(40 * Self.mib)
        let within = Verdict.decide(Self.evidence(baseline: previous, update: true, resident: 45 * Self.mib))
        #expect(within.baselineToWrite == nil)
        #expect(within.baseline?.residentPeakBytes == 40 * Self.mib)
        let beyond = Verdict.decide(Self.evidence(baseline: previous, update: true, resident: 60 * Self.mib))
        #expect(try #require(beyond.baselineToWrite).residentPeakBytes == 60 * Self.mib)
    }

    @Test func onlyAFullyMeasuredNormalEndIsWrittenAsABaseline() {
        #expect(Verdict.decide(Self.evidence(baseline: nil, update: true)).baselineToWrite != nil)
        #expect(Verdict.decide(Self.evidence(baseline: Self.baseline(), update: true)).baselineToWrite == nil)
        #expect(
            Verdict.decide(Self.evidence(end: .exited(code: 1), baseline: nil, update: true)).baselineToWrite == nil)
        #expect(
            Verdict.decide(
                Self.evidence(profile: Self.profile(unmeasured: "not measured: x"), baseline: nil, update: true)
            )
            .baselineToWrite == nil)
    }

    @Test(
        "a pytest session fails as a whole only when pytest itself failed",
        arguments: [
            (CaseResult.ProcessEnd.exited(code: 0), "passed", false), (.exited(code: 1), "failed", false),
            (.exited(code: 1), "passed", true), (.exited(code: 2), "passed", true), (.exited(code: 5), "passed", true),
            (.signalled(signal: 9), "passed", true), (.timedOut(afterSeconds: 1), "failed", true),
        ])
    func pytestSession(end: CaseResult.ProcessEnd, outcome: String, fails: Bool) {
        #expect(Verdict.pytestSessionFails(processEnd: end, tests: [Self.test(outcome)]) == fails)
        #expect(Verdict.pytestSessionFails(processEnd: .exited(code: 0), tests: []))
    }
}
