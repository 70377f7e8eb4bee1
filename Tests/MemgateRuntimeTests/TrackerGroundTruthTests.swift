import Foundation
import MemgateCore
import MemgateRuntime
import Testing

private let mebibyte: Int64 = 1_048_576

/// The tracker measured against programs whose allocations are known exactly
/// (Tests/Fixtures), each run the way memgate runs targets.
@Suite("tracker ground truth", .timeLimit(.minutes(3)))
struct TrackerGroundTruthTests {
    @Test("exact_peak: peak is 3 MiB + 12 345 B from hold_megabyte and hold_odd_bytes, all freed")
    func exactPeak() throws {
        let source = TrackerTestPaths.fixtureSource("C/exact_peak.c")
        let megabyteLine = try lineNumber(containing: "malloc(MIB)", in: source)
        let oddLine = try lineNumber(containing: "malloc(12345)", in: source)
        try withTemporaryDirectory { directory in
            let run = try TrackedRun.record(
                .native(arguments: [try TrackerTestPaths.fixture("exact_peak")]), nativeFrames: true, in: directory)
            #expect(run.outcome.processEnd == .exited(code: 0))
            #expect(run.capturePaths.map(\.lastPathComponent) == ["capture.mgc"])
            let capture = try #require(run.capturePaths.first)
            let raw = try CaptureSet.decode(path: capture)
            #expect(raw.isFinished)
            #expect(!raw.isTorn)
            // 100 → 5000 (realloc frees the 100), calloc, memalign, 3 × 1 MiB, 12 345: 8 allocations, 8 frees.
            #expect(raw.freeCount == 8)
            Self.expectSharedFrameTree(raw)
            let profile = try CaptureSet.profile(path: capture)
            #expect(profile.completion == .complete)
            #expect(profile.peakBytes == 3 * mebibyte + 12_345)
            #expect(profile.bytesAtEnd == 0)
            // 100 + 5000 + 3000 + 2048 + 3 × 1 048 576 + 12 345
            #expect(profile.totalBytes == 3_168_221)
            #expect(profile.allocationCount == 8)

            let sites = profile.topSites()
            #expect(sites.map(\.bytesAtPeak).reduce(0, +) == profile.peakBytes)
            #expect(sites.map(\.totalBytes).reduce(0, +) == profile.totalBytes)
            try #require(sites.count >= 2, "sites: \(sites.map(\.displayName))")
            #expect(sites[0].key.function == "hold_megabyte")
            #expect(sites[0].key.file.hasSuffix("exact_peak.c"))
            #expect(sites[0].line == megabyteLine)
            #expect(sites[0].bytesAtPeak == 3 * mebibyte)
            #expect(sites[0].allocationsAtPeak == 3)
            #expect(sites[1].key.function == "hold_odd_bytes")
            #expect(sites[1].key.file.hasSuffix("exact_peak.c"))
            #expect(sites[1].line == oddLine)
            #expect(sites[1].bytesAtPeak == 12_345)
            #expect(sites[1].allocationsAtPeak == 1)

            let grow = try #require(sites.first { $0.key.function == "grow_with_realloc" })
            #expect(grow.totalBytes == 5100)
            #expect(grow.allocationCount == 2)
            #expect(grow.bytesAtPeak == 0)
            let zeroed = try #require(sites.first { $0.key.function == "zeroed_with_calloc" })
            #expect(zeroed.totalBytes == 3000)
            #expect(zeroed.allocationCount == 1)
            let aligned = try #require(sites.first { $0.key.function == "aligned_with_posix_memalign" })
            #expect(aligned.totalBytes == 2048)
            #expect(aligned.allocationCount == 1)
        }
    }

    @Test("exact_peak mmap: an anonymous 4 MiB mapping is the peak, unmapped by the end")
    func exactPeakMapping() throws {
        try withTemporaryDirectory { directory in
            let run = try TrackedRun.record(
                .native(arguments: [try TrackerTestPaths.fixture("exact_peak"), "mmap"]), nativeFrames: true,
                in: directory)
            #expect(run.outcome.processEnd == .exited(code: 0))
            let profile = try CaptureSet.profile(path: try #require(run.capturePaths.first))
            #expect(profile.peakBytes == 4 * mebibyte)
            #expect(profile.totalBytes == 4 * mebibyte)
            #expect(profile.allocationCount == 1)
            #expect(profile.bytesAtEnd == 0)
            let top = try #require(profile.topSites(limit: 1).first)
            #expect(top.key.function == "map_four_megabytes")
            #expect(top.bytesAtPeak == 4 * mebibyte)
        }
    }

    @Test(
        "unmap_in_pieces: munmap calls that split or span tracked mappings release all of them",
        arguments: ["tail", "span"])
    func unmapInPieces(_ mode: String) throws {
        try withTemporaryDirectory { directory in
            let run = try TrackedRun.record(
                .native(arguments: [try TrackerTestPaths.fixture("unmap_in_pieces"), mode]), nativeFrames: true,
                in: directory)
            #expect(run.outcome.processEnd == .exited(code: 0))
            let raw = try CaptureSet.decode(path: try #require(run.capturePaths.first))
            #expect(raw.peakBytes == 8 * 4096)
            // tail: one 32 KiB mapping; span: two 16 KiB mappings over a PROT_NONE reservation,
            // which is address space only and counts nothing.
            #expect(raw.totalBytes == 8 * 4096)
            #expect(raw.allocationCount == (mode == "tail" ? 1 : 2))
            #expect(raw.liveBytes == 0)
        }
    }

    @Test("thread_churn: 8 threads × 200 000 malloc/free pairs in one region are counted exactly")
    func threadChurn() throws {
        try withTemporaryDirectory { directory in
            let run = try TrackedRun.record(
                .native(arguments: [try TrackerTestPaths.fixture("thread_churn")]), nativeFrames: true,
                in: directory, timeoutSeconds: 120)
            // Not .timedOut: the tracker's lock did not deadlock under contention.
            #expect(run.outcome.processEnd == .exited(code: 0), "output: \(run.outcome.outputTail)")
            let printed = try #require(Self.printedTotal(run.outcome.outputTail), "output: \(run.outcome.outputTail)")
            // The sizes come from fixed xorshift seeds, so the sum is fixed too.
            #expect(printed == 3_275_793_953)
            #expect(run.capturePaths.map(\.lastPathComponent) == ["capture.mgc", "capture.mgc.1"])
            let region = try CaptureSet.decode(path: try #require(run.capturePaths.last))
            #expect(region.isFinished)
            #expect(!region.isTorn)
            #expect(region.regionName == "thread_churn")
            #expect(region.regionIndex == 1)
            #expect(region.allocationCount == 1_600_000)
            #expect(region.freeCount == 1_600_000)
            #expect(region.totalBytes == printed)
            #expect(region.liveBytes == 0)
            // Each thread holds at most one block of at most 4096 B at any moment.
            #expect(region.peakBytes > 0)
            #expect(region.peakBytes <= 8 * 4096)
            let sites = region.profile(symbols: NativeSymbolizer().symbolize(region)).topSites()
            let churn = try #require(sites.first { $0.key.function == "churn" }, "sites: \(sites.map(\.displayName))")
            #expect(churn.allocationCount == 1_600_000)
            #expect(churn.totalBytes == printed)
        }
    }

    @Test("keep_bytearray.py: a 10 MiB bytearray is the peak, charged to its Python line")
    func pythonBytearray() throws {
        let script = TrackerTestPaths.fixtureSource("Python/keep_bytearray.py")
        let line = try lineNumber(containing: "bytearray(", in: script)
        try withTemporaryDirectory { directory in
            let run = try TrackedRun.record(
                .python(
                    interpreter: TrackerTestPaths.python, script: script.path, call: "hold_ten_mebibytes()",
                    arguments: []),
                nativeFrames: false, in: directory)
            #expect(run.outcome.processEnd == .exited(code: 0), "output: \(run.outcome.outputTail)")
            #expect(run.outcome.outputTail.contains("hold_ten_mebibytes() returned 10485760"))
            #expect(run.capturePaths.map(\.lastPathComponent) == ["capture.mgc"])
            // One stack: nothing to share, but still one node per frame.
            Self.expectSharedFrameTree(try CaptureSet.decode(path: try #require(run.capturePaths.first)), shared: false)
            let profile = try CaptureSet.profile(path: try #require(run.capturePaths.first))
            #expect(profile.regionName == "hold_ten_mebibytes()")
            #expect(abs(profile.peakBytes - 10 * mebibyte) <= 64 * 1024, "peak \(profile.peakBytes)")
            let top = try #require(profile.topSites(limit: 1).first)
            #expect(top.key.function == "hold_ten_mebibytes")
            #expect(top.key.file.hasSuffix("keep_bytearray.py"))
            #expect(top.line == line)
            #expect(top.bytesAtPeak >= 10 * mebibyte)
        }
    }

    @Test("swift-alloc-fixture: the top site is retainScratchBuffers, simplified, with its full symbol kept")
    func swiftDemangledSite() throws {
        try withTemporaryDirectory { directory in
            let run = try TrackedRun.record(
                .native(arguments: [try TrackerTestPaths.product("swift-alloc-fixture")]), nativeFrames: true,
                in: directory)
            #expect(run.outcome.processEnd == .exited(code: 0))
            let profile = try CaptureSet.profile(path: try #require(run.capturePaths.first))
            #expect(profile.peakBytes >= 4 * mebibyte)
            let top = try #require(profile.topSites(limit: 1).first)
            #expect(top.key.function == "retainScratchBuffers(count:bytesEach:)", "top site: \(top.displayName)")
            let frame = try #require(
                profile.stacks.lazy.flatMap(\.frames).first { $0.function == "retainScratchBuffers(count:bytesEach:)" })
            #expect(
                frame.symbol
                    == "swift_alloc_fixture.retainScratchBuffers(count: Swift.Int, bytesEach: Swift.Int) -> Swift.Array<Swift.Array<Swift.UInt8>>"
            )
            #expect(top.key.file.hasSuffix("main.swift"))
            #expect(top.bytesAtPeak >= 4 * mebibyte)
        }
    }

    @Test("kill_self: a SIGKILLed target leaves an interrupted capture with its 50 MiB peak")
    func killedTarget() throws {
        let line = try lineNumber(containing: "malloc(50 * MIB)", in: TrackerTestPaths.fixtureSource("C/kill_self.c"))
        try withTemporaryDirectory { directory in
            let run = try TrackedRun.record(
                .native(arguments: [try TrackerTestPaths.fixture("kill_self")]), nativeFrames: true, in: directory)
            #expect(run.outcome.processEnd == .signalled(signal: 9))
            let capture = try #require(run.capturePaths.first)
            let raw = try CaptureSet.decode(path: capture)
            #expect(!raw.isFinished)
            #expect(!raw.isTorn)
            let profile = try CaptureSet.profile(path: capture)
            #expect(profile.completion == .interrupted)
            #expect(profile.peakBytes == 50 * mebibyte)
            #expect(profile.bytesAtEnd == 50 * mebibyte)
            #expect(profile.allocationCount == 1)
            let top = try #require(profile.topSites(limit: 1).first)
            #expect(top.key.function == "hold_fifty_megabytes")
            #expect(top.line == line)
            #expect(top.bytesAtPeak == 50 * mebibyte)
        }
    }

    @Test("cross_thread_free: 8 threads × 1 000 000 blocks freed by other threads give the exact peak")
    func crossThreadFree() throws {
        try withTemporaryDirectory { directory in
            let run = try TrackedRun.record(
                .native(arguments: [try TrackerTestPaths.fixture("cross_thread_free"), "8", "1000000"]),
                nativeFrames: true, in: directory, timeoutSeconds: 240)
            #expect(run.outcome.processEnd == .exited(code: 0), "output: \(run.outcome.outputTail)")
            let printed = try #require(Self.printedTotal(run.outcome.outputTail), "output: \(run.outcome.outputTail)")
            // Sizes come from fixed xorshift seeds, so the sum is fixed too.
            #expect(printed == 259_986_067)
            let region = try CaptureSet.decode(path: try #require(run.capturePaths.last))
            #expect(region.isFinished)
            #expect(!region.isTorn)
            #expect(region.regionName == "cross_thread_free")
            #expect(region.allocationCount == 8_000_000)
            #expect(region.freeCount == 8_000_000)
            #expect(region.totalBytes == printed)
            // Every block is live between the two barriers, and nothing else is in the region.
            #expect(region.peakBytes == printed)
            #expect(region.liveBytes == 0)
            let sites = region.profile(symbols: NativeSymbolizer().symbolize(region)).topSites()
            let allocate = try #require(sites.first, "no sites")
            #expect(allocate.key.function == "allocate_all")
            #expect(allocate.bytesAtPeak == printed)
            #expect(allocate.allocationCount == 8_000_000)
        }
    }

    @Test("many_threads: 400 threads (more than the tracker's 256 slots) holding 100 × 1000 B each are exact")
    func moreThreadsThanSlots() throws {
        try withTemporaryDirectory { directory in
            let run = try TrackedRun.record(
                .native(arguments: [try TrackerTestPaths.fixture("many_threads")]), nativeFrames: true,
                in: directory, timeoutSeconds: 120)
            #expect(run.outcome.processEnd == .exited(code: 0), "output: \(run.outcome.outputTail)")
            let region = try CaptureSet.decode(path: try #require(run.capturePaths.last))
            #expect(region.isFinished)
            #expect(region.regionName == "many_threads")
            let sites = region.profile(symbols: NativeSymbolizer().symbolize(region)).topSites()
            let held = try #require(
                sites.first { $0.key.function == "hold_blocks" }, "sites: \(sites.map(\.displayName))")
            // All 400 threads hold their blocks together between two barriers.
            #expect(held.bytesAtPeak == 40_000_000)
            #expect(held.allocationCount == 40_000)
            #expect(held.totalBytes == 40_000_000)
            #expect(region.peakBytes >= 40_000_000)
        }
    }

    @Test("killed_children: children killed mid-churn on two threads leave unfinished captures that still read back")
    func childrenKilledMidEventLeaveConsistentCaptures() throws {
        try withTemporaryDirectory { directory in
            let run = try TrackedRun.record(
                .native(arguments: [try TrackerTestPaths.fixture("killed_children")]), nativeFrames: true,
                in: directory, timeoutSeconds: 60)
            #expect(run.outcome.processEnd == .exited(code: 0), "output: \(run.outcome.outputTail)")
            let children = try FileManager.default.contentsOfDirectory(atPath: directory.path)
                .filter { $0.hasPrefix("capture.mgc-p") }
            #expect(children.count == 5, "files: \(children)")
            for child in children {
                // An allocation lands on its stack at once and a free may wait in its thread's
                // pending entry, so a kill never leaves a stack with negative live bytes (the
                // decoder would call it corrupt), even with frees from the other thread pending.
                let capture = try CaptureSet.decode(path: directory.appendingPathComponent(child))
                #expect(!capture.isFinished)
                #expect(capture.allocationCount > 0)
            }
        }
    }

    /// The number after "total " in thread_churn's output.
    static func printedTotal(_ output: String) -> Int64? {
        let line = output.split(separator: "\n").last { $0.hasPrefix("total ") }
        return line.flatMap { Int64($0.dropFirst("total ".count)) }
    }
}

/// `memgate record` and `memgate report` as a CI job runs them, on bad input.
@Suite("memgate CLI on bad input", .timeLimit(.minutes(1)))
struct TrackerCommandLineTests {
    /// Ways to damage a finished capture, each with a phrase the error message must contain.
    enum Damage: String, CaseIterable, Sendable {
        case truncatedTo100Bytes, truncatedToHalf, flippedMiddleBytes, garbage

        func apply(to capture: [UInt8]) -> [UInt8] {
            switch self {
            case .truncatedTo100Bytes: return Array(capture.prefix(100))
            case .truncatedToHalf: return Array(capture.prefix(capture.count / 2))
            case .flippedMiddleBytes:
                // The middle of the checksummed body [4096, end), not of the whole file.
                var bytes = capture
                let middle = 4096 + (capture.count - 4096) / 2
                for index in middle..<(middle + 16) { bytes[index] ^= 0xFF }
                return bytes
            case .garbage:
                var state: UInt32 = 0x9E37_79B9
                return (0..<8192).map { _ in
                    state ^= state << 13
                    state ^= state >> 17
                    state ^= state << 5
                    return UInt8(truncatingIfNeeded: state)
                }
            }
        }

        var expectedPhrase: String {
            switch self {
            case .truncatedTo100Bytes: return "not a memgate capture: 100 bytes is shorter than the 4096-byte header"
            case .truncatedToHalf: return "capture is truncated"
            case .flippedMiddleBytes: return "checksum"
            case .garbage: return "does not start with MGCAPT01"
            }
        }
    }

    /// A finished region capture of thread_churn (~40 KB, so half of it still holds the header),
    /// recorded once with `memgate record` and shared by every damage case.
    static let recordedCapture: Result<[UInt8], any Error> = Result {
        try withTemporaryDirectory { directory in
            let output = directory.appendingPathComponent("churn.mgc").path
            let record = try MemgateInvocation.run([
                "record", "-o", output, "--", try TrackerTestPaths.fixture("thread_churn"),
            ])
            guard record.processEnd == .exited(code: 0) else {
                throw TrackerTestSetupError(description: "memgate record failed: \(record.processEnd) \(record.output)")
            }
            return [UInt8](try Data(contentsOf: URL(fileURLWithPath: output + ".1")))
        }
    }

    @Test("memgate report exits 3 with a message about the capture, never crashes", arguments: Damage.allCases)
    func reportRejectsDamagedCapture(_ damage: Damage) throws {
        let capture = try Self.recordedCapture.get()
        try #require(capture.count > 3 * 4096, "capture of \(capture.count) bytes is too small to damage by halves")
        try withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("\(damage.rawValue).mgc")
            try Data(damage.apply(to: capture)).write(to: path)
            let report = try MemgateInvocation.run(["report", path.path])
            #expect(report.processEnd == .exited(code: 3), "output: \(report.output)")
            #expect(report.output.contains("capture"))
            #expect(report.output.contains(damage.expectedPhrase), "output: \(report.output)")
        }
    }

    @Test("memgate report reads the undamaged capture (the damage cases are not failing for another reason)")
    func reportReadsIntactCapture() throws {
        let capture = try Self.recordedCapture.get()
        try withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("intact.mgc")
            try Data(capture).write(to: path)
            let report = try MemgateInvocation.run(["report", path.path])
            #expect(report.processEnd == .exited(code: 0), "output: \(report.output)")
            #expect(report.output.contains("in 1600000 allocations"))
        }
    }

    @Test("memgate report exits 3 when the capture file does not exist")
    func reportRejectsMissingFile() throws {
        let report = try MemgateInvocation.run(["report", "/nonexistent/memgate-tests/missing.mgc"])
        #expect(report.processEnd == .exited(code: 3))
        #expect(report.output.contains("cannot read capture /nonexistent/memgate-tests/missing.mgc"))
    }

    @Test(
        "memgate report exits 3 naming the file and the field when figures would overflow (Int64.max peaks)",
        arguments: [[], ["--html"]])
    func reportRejectsOverflowingFigures(_ options: [String]) throws {
        let capture = try Self.recordedCapture.get()
        // thread_churn's region capture has the overflow stack (index 0) and churn's stack.
        try #require(capture.count > 4096 && Self.littleEndian(capture, at: 124, width: 4) >= 2, "needs two stacks")
        try withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("overflow.mgc")
            try Data(Self.overflowingFigures(capture)).write(to: path)
            let html = options.isEmpty ? [] : options + [directory.appendingPathComponent("flame.html").path]
            let report = try MemgateInvocation.run(["report"] + html + [path.path])
            #expect(report.processEnd == .exited(code: 3), "output: \(report.output)")
            #expect(
                report.output.contains("\(path.path): capture is corrupt: header peak_bytes is 9223372036854775807"),
                "output: \(report.output)")
            #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("flame.html").path))
        }
    }

    @Test("memgate report --html draws a capture whose figures are at the largest a capture may hold")
    func reportDrawsFiguresAtTheMaximum() throws {
        let capture = try Self.recordedCapture.get()
        try withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("largest.mgc")
            try Data(Self.overflowingFigures(capture, peak: RawCapture.maximumFigure)).write(to: path)
            let html = directory.appendingPathComponent("flame.html")
            let report = try MemgateInvocation.run(["report", "--html", html.path, path.path])
            #expect(report.processEnd == .exited(code: 0), "output: \(report.output)")
            #expect(FileManager.default.fileExists(atPath: html.path))
        }
    }

    @Test("memgate record on a command that does not exist fails and names the command")
    func recordMissingCommand() throws {
        try withTemporaryDirectory { directory in
            let output = directory.appendingPathComponent("none.mgc")
            let record = try MemgateInvocation.run(["record", "-o", output.path, "--", "memgate-test-no-such-command"])
            guard case .exited(let code) = record.processEnd else {
                Issue.record("memgate record did not exit normally: \(record.processEnd)")
                return
            }
            #expect(code != 0)
            #expect(
                record.output.contains("command not found: memgate-test-no-such-command"), "output: \(record.output)")
            #expect(CaptureSet.paths(basePath: output).isEmpty)
        }
    }

    /// The capture turned into an unfinished one (no checksum is checked then) whose first two
    /// stacks share frames and claim `peak` bytes at the peak between them (each Int64.max, which
    /// overflows when summed, by default), as does the header.
    static func overflowingFigures(_ capture: [UInt8], peak: Int64 = .max) -> [UInt8] {
        var bytes = capture
        func u64(_ offset: Int) -> UInt64 { littleEndian(bytes, at: offset, width: 8) }
        func put(_ value: UInt64, at offset: Int, width: Int) {
            for index in 0..<width { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(index))) }
        }
        put(1, at: 24, width: 4)  // state: running
        let stacks = Int(u64(112))
        let second = stacks + 72
        put(u64(second + 8), at: stacks + 8, width: 8)  // frames_index
        put(u64(second + 16), at: stacks + 16, width: 4)  // depth
        let stackPeak = peak == .max ? peak : peak / 2
        for stack in [stacks, second] { put(UInt64(stackPeak), at: stack + 40, width: 8) }  // peak_bytes
        put(UInt64(peak), at: 72, width: 8)  // the header's peak_bytes
        return bytes
    }

    static func littleEndian(_ bytes: [UInt8], at offset: Int, width: Int) -> UInt64 {
        (0..<width).reduce(0) { $0 | UInt64(bytes[offset + $1]) << (8 * UInt64($1)) }
    }
}

extension TrackerGroundTruthTests {
    /// The tracker writes each distinct outer part of the stacks once (capture format 2): as many
    /// frame nodes as there are distinct outermost-first prefixes of the stacks' words, and so
    /// fewer nodes than frames when stacks share a caller (`shared`).
    static func expectSharedFrameTree(
        _ raw: RawCapture, shared: Bool = true, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        var prefixes = Set<ArraySlice<UInt64>>()
        var frames = 0
        for stack in raw.stacks {
            let outermostFirst = Array(raw.words(of: stack).reversed())
            frames += outermostFirst.count
            for length in 0..<outermostFirst.count { prefixes.insert(outermostFirst[...length]) }
        }
        #expect(raw.frames.nodes.count == prefixes.count, sourceLocation: sourceLocation)
        #expect(
            shared ? raw.frames.nodes.count < frames : raw.frames.nodes.count == frames,
            "\(raw.stacks.count) stacks", sourceLocation: sourceLocation)
    }
}
