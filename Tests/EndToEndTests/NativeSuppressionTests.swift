import Foundation
import MemgateCore
import Testing

/// `ignore:` globs on native frames and LeakSanitizer-style `suppressions:` files, on
/// `suppressed_allocations` (1 MiB cached and never freed, 2 × 256 KiB from `vendor_scratch`,
/// 100 000 B from `parse_input`: peak 1 672 864 B, 4 allocations, 1 048 576 B live at the end).
@Suite struct NativeSuppressionTests {
    static let program = RepositoryLayout.root.appendingPathComponent(".build/fixtures/suppressed_allocations").path

    /// Peak, total, allocation count and bytes at the end.
    static func figures(of profile: Profile) -> [Int64] {
        [profile.peakBytes, profile.totalBytes, profile.allocationCount, profile.bytesAtEnd]
    }

    @discardableResult
    static func writeSuite(in workspace: Workspace, suppressions: String = "lsan.supp") throws -> String {
        try workspace.write("# LeakSanitizer file\nleak:cache_forever\n\nalloc:^vendor_\n", to: "lsan.supp")
        return try workspace.write(
            """
            version: 1
            baselines: baselines
            targets:
              - name: plain
                command: ["\(program)"]
              - name: globbed
                command: ["\(program)"]
                ignore: ["vendor_*"]
              - name: suppressed
                command: ["\(program)"]
                suppressions: [\(suppressions)]
                limit-leaks: 0 B
            """, to: "memgate.yml"
        ).path
    }

    @Test func aGlobAndASuppressionFileRemoveExactlyTheirNativeAllocations() throws {
        let workspace = try Workspace("native-suppressions")
        try Self.writeSuite(in: workspace)
        let run = try Memgate.run(
            ["run", "--config", "memgate.yml", "--json", "results.json", "--markdown", "summary.md"], in: workspace.url)
        #expect(run.exitCode == Memgate.Exit.passed, "\(run.standardOutput)\(run.standardError)")
        let suite = try Memgate.suite(at: workspace.path("results.json"))

        let plain = try #require(suite.case("plain")?.profile)
        #expect(Self.figures(of: plain) == [1_672_864, 1_672_864, 4, 1_048_576])
        #expect(plain.suppressions == nil)

        let globbed = try #require(suite.case("globbed")?.profile)
        #expect(Self.figures(of: globbed) == [1_148_576, 1_148_576, 2, 1_048_576])
        #expect(
            globbed.suppressions == [
                SuppressionEffect(
                    rule: SuppressionRule(kind: .ignore, pattern: "vendor_*", origin: "ignore"), bytesAtPeak: 524_288,
                    totalBytes: 524_288, allocationCount: 2)
            ])
        #expect(!globbed.topSites().contains { $0.key.function == "vendor_scratch" })

        // limit-leaks: 0 B passes because the cache's 1 MiB is a known leak.
        let suppressed = try #require(suite.case("suppressed")?.profile)
        #expect(Self.figures(of: suppressed) == [1_148_576, 1_148_576, 2, 0])
        #expect(
            suppressed.suppressions == [
                SuppressionEffect(
                    rule: SuppressionRule(kind: .leak, pattern: "cache_forever", origin: "lsan.supp:2"),
                    bytesAtEnd: 1_048_576),
                SuppressionEffect(
                    rule: SuppressionRule(kind: .alloc, pattern: "^vendor_", origin: "lsan.supp:4"),
                    bytesAtPeak: 524_288,
                    totalBytes: 524_288, allocationCount: 2),
            ])

        let summary = try String(contentsOf: workspace.path("summary.md"), encoding: .utf8)
        #expect(
            summary.contains(
                """
                ### Suppressed

                - **globbed**: ignore:vendor\\_\\* removed 512.0 KiB at peak, 512.0 KiB allocated in 2 allocations, 0 B live at end
                - **suppressed**: leak:cache\\_forever (lsan.supp:2) removed 1.0 MiB live at end
                - **suppressed**: alloc:^vendor\\_ (lsan.supp:4) removed 512.0 KiB at peak, 512.0 KiB allocated in 2 allocations, 0 B live at end
                """))
    }

    @Test func withoutTheLeakRuleTheCacheFailsTheLeakLimit() throws {
        let workspace = try Workspace("native-suppressions-off")
        try workspace.write("alloc:^vendor_\n", to: "alloc-only.supp")
        try Self.writeSuite(in: workspace, suppressions: "alloc-only.supp")
        let run = try Memgate.run(
            ["run", "--config", "memgate.yml", "--json", "results.json", "suppressed"], in: workspace.url)
        #expect(run.exitCode == Memgate.Exit.gateFailed)
        let result = try #require(try Memgate.suite(at: workspace.path("results.json")).case("suppressed"))
        #expect(result.findingKinds.first == .leakLimitExceeded)
        #expect(result.findings.first?.bytes == 1_048_576)
    }

    @Test(
        "a bad suppression file exits 2 naming file and line, and nothing runs",
        arguments: [
            ("bad.supp", "leak:ok\nrace:foo\n", "bad.supp:2:1: unknown suppression type 'race'"),
            ("bad.supp", "# only\nleak: \n", "bad.supp:2:1: 'leak:' needs a pattern"),
            ("missing.supp", nil, "memgate.yml:11:20: targets[2].suppressions[0]: cannot read the suppression file"),
        ] as [(String, String?, String)])
    func badFile(name: String, text: String?, message: String) throws {
        let workspace = try Workspace("native-suppressions-bad")
        if let text { try workspace.write(text, to: name) }
        try Self.writeSuite(in: workspace, suppressions: name)
        let run = try Memgate.run(["run", "--config", "memgate.yml", "--json", "results.json"], in: workspace.url)
        #expect(run.exitCode == Memgate.Exit.usage)
        #expect(run.standardError.contains(message), "\(run.standardError)")
        #expect(!workspace.exists("results.json"))
    }
}
