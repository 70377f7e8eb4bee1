import Foundation
import MemgateCore
import MemgateRuntime
import Testing

/// Learned unwind rules must give exactly the stacks libunwind gives, on code with and
/// without frame pointers, and must actually be used.
@Suite("tracker native unwinding")
struct TrackerUnwindTests {
    struct Recorded {
        var raw: RawCapture
        var profile: Profile
        var printedAllocations: Int64?
        var printedTotal: Int64?
    }

    static func record(_ fixture: String, unwind: String, in directory: URL, tracker: String? = nil) throws -> Recorded
    {
        let command = TrackedCommand(
            program: .native(arguments: [try TrackerTestPaths.fixture(fixture), "20000"]), nativeFrames: true,
            extraEnvironment: ["MEMGATE_UNWIND": unwind])
        let base = directory.appendingPathComponent("\(unwind)\(tracker == nil ? "" : "-other").mgc")
        let environment = command.environment(
            base: ProcessInfo.processInfo.environment, trackerPath: try tracker ?? TrackerTestPaths.tracker(),
            capturePath: base.path)
        let outcome = try TargetLauncher.run(
            LaunchRequest(
                arguments: command.arguments(), environment: environment,
                timeoutSeconds: 60))
        #expect(outcome.processEnd == .exited(code: 0))
        let region = try #require(CaptureSet.paths(basePath: base).last)
        let raw = try CaptureSet.decode(path: region)
        // "allocations N total T"
        let words = outcome.outputTail.split(whereSeparator: { $0 == " " || $0 == "\n" })
        let number = { (label: String) -> Int64? in
            words.firstIndex(of: Substring(label)).flatMap { $0 + 1 < words.count ? Int64(words[$0 + 1]) : nil }
        }
        return Recorded(
            raw: raw, profile: try CaptureSet.profile(path: region),
            printedAllocations: number("allocations"), printedTotal: number("total"))
    }

    /// Stacks as comparable values: symbolized frames with their figures.
    static func stackSet(_ profile: Profile) -> [String] {
        profile.stacks.map { stack in
            stack.frames.map { "\($0.function)@\($0.line ?? 0)" }.joined(separator: ">")
                + " total=\(stack.totalBytes) count=\(stack.allocationCount)"
        }.sorted()
    }

    @Test("learned rules reproduce libunwind's stacks exactly", arguments: ["deep_churn", "deep_churn_omit_fp"])
    func learnedRulesMatchLibunwind(_ fixture: String) throws {
        try withTemporaryDirectory { directory in
            let reference = try Self.record(fixture, unwind: "libunwind", in: directory)
            let learned = try Self.record(fixture, unwind: "auto", in: directory)
            // 20 000 pairs at the bottom plus 20 per qsort comparison (as many as glibc makes).
            let allocations = try #require(learned.printedAllocations)
            #expect(allocations > 20_000)
            #expect(reference.raw.allocationCount == allocations)
            #expect(learned.raw.allocationCount == allocations)
            #expect(learned.raw.totalBytes == reference.raw.totalBytes)
            #expect(learned.raw.totalBytes == learned.printedTotal)
            #expect(Self.stackSet(learned.profile) == Self.stackSet(reference.profile))
            #expect(reference.raw.fastUnwinds == 0)
            #expect(reference.raw.slowUnwinds == allocations)
            // libunwind walks a stack only while it holds a return address with no rule yet
            // (at most once per distinct stack); every other allocation uses learned rules.
            #expect(learned.raw.slowUnwinds >= 1)
            #expect(learned.raw.slowUnwinds <= Int64(learned.profile.stacks.count))
            #expect(learned.raw.fastUnwinds + learned.raw.slowUnwinds == allocations)
            #expect(!learned.raw.fastUnwindDisabled)
            // The chain is 12 calls deep, so the churn site's stack holds at least 14 frames.
            let churn = try #require(learned.profile.stacks.max { $0.allocationCount < $1.allocationCount })
            #expect(churn.frames.count >= 14)
            #expect(Frame.allocatingFrame(in: churn.frames)?.function == "churn_at_bottom")
        }
    }

    @Test(
        "with learned rules compiled out (as on aarch64), libunwind walks every stack and gives the same stacks",
        arguments: ["deep_churn", "deep_churn_omit_fp"])
    func libunwindOnlyFallbackMatchesLibunwind(_ fixture: String) throws {
        try withTemporaryDirectory { directory in
            let reference = try Self.record(fixture, unwind: "libunwind", in: directory)
            let fallback = try Self.record(
                fixture, unwind: "auto", in: directory, tracker: try TrackerTestPaths.libunwindOnlyTracker())
            let allocations = try #require(fallback.printedAllocations)
            #expect(fallback.raw.allocationCount == allocations)
            #expect(fallback.raw.fastUnwinds == 0)
            #expect(fallback.raw.slowUnwinds == allocations)
            #expect(!fallback.raw.fastUnwindDisabled)  // no self-check switched rules off: there are none
            #expect(Self.stackSet(fallback.profile) == Self.stackSet(reference.profile))
        }
    }
}
