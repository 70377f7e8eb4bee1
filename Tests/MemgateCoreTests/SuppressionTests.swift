import Testing

@testable import MemgateCore

/// LeakSanitizer-style suppression files, `ignore:` globs on native frames, and what each rule
/// takes out of a profile, on in-memory profiles with known figures.
@Suite struct SuppressionTests {
    static func native(_ function: String, file: String = "/src/app.c", module: String = "/usr/bin/app") -> Frame {
        Frame(function: function, file: file, line: 1, module: module, kind: .native)
    }

    /// 1 MiB cached for good (live at the end), 2 × 256 KiB from a vendor library, 100 000 B parsing.
    static let profile = Profile(
        regionName: "app", peakBytes: 1_672_864, totalBytes: 1_772_864, allocationCount: 5, bytesAtEnd: 1_048_576,
        stacks: [
            StackRecord(
                frames: [native("cache_forever"), native("main")], bytesAtPeak: 1_048_576, allocationsAtPeak: 1,
                totalBytes: 1_048_576, allocationCount: 1, bytesAtEnd: 1_048_576),
            StackRecord(
                frames: [
                    native("vendor_scratch", file: "/opt/vendor/lib.c", module: "/opt/vendor/libv.so"), native("main"),
                ],
                bytesAtPeak: 524_288, allocationsAtPeak: 2, totalBytes: 524_288, allocationCount: 2, bytesAtEnd: 0),
            StackRecord(
                frames: [native("parse_input"), native("main")], bytesAtPeak: 100_000, allocationsAtPeak: 1,
                totalBytes: 200_000, allocationCount: 2, bytesAtEnd: 0),
        ])

    @Test func aSuppressionFileReadsLeakAndAllocLinesSkippingCommentsAndBlankLines() throws {
        let rules = try SuppressionFile.parse(
            "# LeakSanitizer suppressions\n\nleak:cache_forever\n  alloc: ^vendor_  \n", path: "ci/lsan.supp")
        #expect(
            rules == [
                SuppressionRule(kind: .leak, pattern: "cache_forever", origin: "ci/lsan.supp:3"),
                SuppressionRule(kind: .alloc, pattern: "^vendor_", origin: "ci/lsan.supp:4"),
            ])
    }

    @Test(
        "a bad line is an error at its file and line",
        arguments: [
            (
                "leak:a\nrace:b\n",
                "ci/lsan.supp:2:1: unknown suppression type 'race'; memgate reads 'leak:' (not a "
                    + "leak) and 'alloc:' (left out of every figure), e.g. \"leak:libfoo.so\" or \"alloc:^vendor_init$\""
            ),
            (
                "\n\nleak:\n",
                "ci/lsan.supp:3:1: 'leak:' needs a pattern, e.g. \"leak:libfoo.so\" or \"alloc:^vendor_init$\""
            ),
            (
                "cache_forever\n",
                "ci/lsan.supp:1:1: expected type:pattern such as \"leak:libfoo.so\" or "
                    + "\"alloc:^vendor_init$\", found \"cache_forever\""
            ),
        ])
    func badLine(text: String, message: String) {
        #expect(throws: ConfigError.self) { try SuppressionFile.parse(text, path: "ci/lsan.supp") }
        do {
            _ = try SuppressionFile.parse(text, path: "ci/lsan.supp")
        } catch {
            #expect(error.description == message)
        }
    }

    @Test(
        "LeakSanitizer patterns are substrings unless anchored; globs match whole names",
        arguments: [
            (SuppressionRule.Kind.leak, "cache", "cache_forever", true),
            (.leak, "forever", "cache_forever", true),
            (.leak, "^forever", "cache_forever", false),
            (.leak, "^cache", "cache_forever", true),
            (.leak, "cache$", "cache_forever", false),
            (.alloc, "vendor_*er", "my_vendor_scratcher_x", true),
            (.alloc, "libv.so", "unrelated", true),  // matches the module
            (.alloc, "a[b]c", "a[b]c", true),  // brackets are literal
            (.ignore, "vendor_*", "my_vendor_scratch", false),  // a glob is anchored
            (.ignore, "*/vendor/*", "unrelated", true),  // matches the file
            (.ignore, "libv.so", "unrelated", false),  // globs do not look at modules
        ])
    func matching(kind: SuppressionRule.Kind, pattern: String, function: String, matches: Bool) {
        let frame = Self.native(function, file: "/opt/vendor/lib.c", module: "/opt/vendor/libv.so")
        #expect(SuppressionRule(kind: kind, pattern: pattern, origin: "x").matches([frame]) == matches)
    }

    @Test func processFramesNeverMatch() {
        let process = Frame(function: "vendor_tool", kind: .process)
        #expect(!SuppressionRule(kind: .ignore, pattern: "vendor_*", origin: "x").matches([process]))
    }

    @Test func removedStacksLeaveEveryFigureAndLeakRulesOnlyTheEnd() {
        let rules = [
            SuppressionRule(kind: .ignore, pattern: "parse_*", origin: "ignore"),
            SuppressionRule(kind: .leak, pattern: "cache_forever", origin: "lsan.supp:1"),
            SuppressionRule(kind: .alloc, pattern: "^vendor_", origin: "lsan.supp:2"),
            SuppressionRule(kind: .leak, pattern: "nothing_matches", origin: "lsan.supp:3"),
        ]
        let suppressed = Self.profile.suppressing(rules)
        #expect(suppressed.peakBytes == 1_048_576)
        #expect(suppressed.totalBytes == 1_048_576)
        #expect(suppressed.allocationCount == 1)
        #expect(suppressed.bytesAtEnd == 0)
        #expect(suppressed.stacks.map(\.bytesAtPeak) == [1_048_576])
        #expect(suppressed.stacks.map(\.bytesAtEnd) == [0])
        #expect(
            suppressed.suppressions == [
                SuppressionEffect(rule: rules[0], bytesAtPeak: 100_000, totalBytes: 200_000, allocationCount: 2),
                SuppressionEffect(rule: rules[1], bytesAtEnd: 1_048_576),
                SuppressionEffect(rule: rules[2], bytesAtPeak: 524_288, totalBytes: 524_288, allocationCount: 2),
                SuppressionEffect(rule: rules[3]),
            ])
        #expect(Self.profile.suppressing([]) == Self.profile)
    }

    @Test func aStackMatchingARemovingRuleAndALeakRuleIsRemoved() {
        let rules = [
            SuppressionRule(kind: .leak, pattern: "main", origin: "a:1"),
            SuppressionRule(kind: .alloc, pattern: "cache", origin: "a:2"),
        ]
        let suppressed = Self.profile.suppressing(rules)
        #expect(suppressed.suppressions?.map(\.bytesAtPeak) == [0, 1_048_576])
        #expect(suppressed.suppressions?.map(\.bytesAtEnd) == [0, 1_048_576])
        #expect(suppressed.peakBytes == 624_288)
    }
}
