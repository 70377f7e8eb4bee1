import Foundation
import MemgateCore
import MemgateRuntime
import Testing

private let mebibyte: Int64 = 1_048_576

/// The tracker across process boundaries: a wrapper that execs the real program, children
/// that fork or fork+exec, and Python stacks mixed with native frames. Each run's capture
/// must be the tracked process's own, with exact figures.
@Suite("tracker across exec, fork and spawn", .timeLimit(.minutes(3)))
struct TrackerProcessTests {
    /// A `/bin/sh` wrapper that execs exact_peak with the given arguments, and what exact_peak
    /// must report for them; the shell's own allocations must be gone from the capture.
    struct WrapperCase: Sendable, CustomTestStringConvertible {
        var arguments: [String]
        var peakBytes: Int64
        var totalBytes: Int64
        var allocationCount: Int64
        var topFunction: String
        var topBytesAtPeak: Int64

        var testDescription: String { arguments.isEmpty ? "no arguments" : arguments.joined(separator: " ") }
    }

    static let wrapperCases = [
        // 100 + 5000 + 3000 + 2048 + 3 × 1 MiB + 12 345 in 8 allocations (see exact_peak.c).
        WrapperCase(
            arguments: [], peakBytes: 3 * mebibyte + 12_345, totalBytes: 3_168_221, allocationCount: 8,
            topFunction: "hold_megabyte", topBytesAtPeak: 3 * mebibyte),
        // "$@" reaches the real program: `mmap` maps and unmaps 4 MiB and nothing else.
        WrapperCase(
            arguments: ["mmap"], peakBytes: 4 * mebibyte, totalBytes: 4 * mebibyte, allocationCount: 1,
            topFunction: "map_four_megabytes", topBytesAtPeak: 4 * mebibyte),
    ]

    @Test(
        "a /bin/sh wrapper that execs exact_peak leaves exact_peak's capture, not the shell's",
        arguments: wrapperCases)
    func wrapperExecHandsTrackingOn(_ wrapperCase: WrapperCase) throws {
        let fixture = try TrackerTestPaths.fixture("exact_peak")
        try withTemporaryDirectory { directory in
            let wrapper = directory.appendingPathComponent("run-exact-peak.sh")
            try Data("#!/bin/sh\nexec \(fixture) \"$@\"\n".utf8).write(to: wrapper)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: wrapper.path)

            let run = try TrackedRun.record(
                .native(arguments: [wrapper.path] + wrapperCase.arguments), nativeFrames: true, in: directory)

            #expect(run.outcome.processEnd == .exited(code: 0), "output: \(run.outcome.outputTail)")
            #expect(run.capturePaths.map(\.lastPathComponent) == ["capture.mgc"])
            let capture = try #require(run.capturePaths.first)
            let raw = try CaptureSet.decode(path: capture)
            #expect(raw.isFinished)
            #expect(!raw.isTorn)
            #expect(raw.regionName == "process")
            #expect(raw.freeCount == wrapperCase.allocationCount)
            let profile = try CaptureSet.profile(path: capture)
            #expect(profile.peakBytes == wrapperCase.peakBytes)
            #expect(profile.totalBytes == wrapperCase.totalBytes)
            #expect(profile.allocationCount == wrapperCase.allocationCount)
            #expect(profile.bytesAtEnd == 0)
            let top = try #require(profile.topSites(limit: 1).first)
            #expect(top.key.function == wrapperCase.topFunction, "top site: \(top.displayName)")
            #expect(top.key.file.hasSuffix("exact_peak.c"))
            #expect(top.bytesAtPeak == wrapperCase.topBytesAtPeak)
            // No frame of the shell survives the exec.
            let modules = Set(profile.stacks.flatMap(\.frames).compactMap(\.module))
            #expect(
                !modules.contains { $0.hasSuffix("/sh") || $0.hasSuffix("/dash") || $0.hasSuffix("/bash") },
                "modules: \(modules.sorted())")
        }
    }

    @Test(
        "fork: a child's 8 MiB never reaches the parent's capture, however the child ends",
        arguments: ["_exit", "exit", "free-inherited"])
    func forkedChildIsNotTracked(_ mode: String) throws {
        let source = TrackerTestPaths.fixtureSource("C/fork_child.c")
        let holdLine = try lineNumber(containing: "malloc(MIB)", in: source)
        try withTemporaryDirectory { directory in
            let run = try TrackedRun.record(
                .native(arguments: [try TrackerTestPaths.fixture("fork_child"), mode]), nativeFrames: true,
                in: directory)

            #expect(run.outcome.processEnd == .exited(code: 0), "output: \(run.outcome.outputTail)")
            let printed = try #require(
                Self.numbers(after: ["parent", "child", "status"], in: run.outcome.outputTail),
                "output: \(run.outcome.outputTail)")
            #expect(printed[2] == 0, "child wait status \(printed[2])")
            #expect(run.capturePaths.map(\.lastPathComponent) == ["capture.mgc"])
            let capture = try #require(run.capturePaths.first)
            let raw = try CaptureSet.decode(path: capture)
            #expect(raw.isFinished)
            #expect(!raw.isTorn)
            #expect(raw.pid == Int32(printed[0]), "capture pid \(raw.pid), parent \(printed[0]), child \(printed[1])")
            #expect(raw.peakBytes == mebibyte)
            #expect(raw.totalBytes == mebibyte)
            #expect(raw.allocationCount == 1)
            #expect(raw.freeCount == 1)
            #expect(raw.liveBytes == 0)
            let profile = try CaptureSet.profile(path: capture)
            #expect(profile.completion == .complete)
            let sites = profile.topSites()
            #expect(sites.map(\.key.function) == ["hold_parent_megabyte"], "sites: \(sites.map(\.displayName))")
            #expect(sites.first?.line == holdLine)
            #expect(sites.first?.bytesAtPeak == mebibyte)
        }
    }

    @Test("fork+exec: helpers started with posix_spawn and system() do not overwrite the parent's capture")
    func spawnedHelpersAreNotTracked() throws {
        let source = TrackerTestPaths.fixtureSource("C/spawn_child.c")
        let holdLine = try lineNumber(containing: "malloc(2 * MIB + 777)", in: source)
        let parentBytes = 2 * mebibyte + 777
        let arguments = [try TrackerTestPaths.fixture("spawn_child"), try TrackerTestPaths.fixture("exact_peak")]
        try withTemporaryDirectory { directory in
            let run = try TrackedRun.record(.native(arguments: arguments), nativeFrames: true, in: directory)

            #expect(run.outcome.processEnd == .exited(code: 0), "output: \(run.outcome.outputTail)")
            let printed = try #require(
                Self.numbers(after: ["parent", "spawned", "system"], in: run.outcome.outputTail),
                "output: \(run.outcome.outputTail)")
            #expect(printed[1] == 0, "exact_peak wait status \(printed[1])")
            #expect(printed[2] == 0, "system() status \(printed[2])")
            // exact_peak, had it been tracked, would have written capture.mgc (or a region file) too.
            #expect(run.capturePaths.map(\.lastPathComponent) == ["capture.mgc"])
            let capture = try #require(run.capturePaths.first)
            let raw = try CaptureSet.decode(path: capture)
            #expect(raw.isFinished)
            #expect(!raw.isTorn)
            #expect(raw.pid == Int32(printed[0]))
            #expect(raw.peakBytes == parentBytes)
            #expect(raw.liveBytes == 0)
            let profile = try CaptureSet.profile(path: capture)
            let top = try #require(profile.topSites(limit: 1).first)
            #expect(top.key.function == "hold_spawn_parent_block", "top site: \(top.displayName)")
            #expect(top.key.file.hasSuffix("spawn_child.c"))
            #expect(top.line == holdLine)
            #expect(top.bytesAtPeak == parentBytes)
            #expect(!profile.topSites().contains { $0.key.function == "hold_megabyte" })
        }
    }

    @Test("native frames on: a Python allocation's stack is Python frames, then the interpreter's native frames")
    func pythonAndNativeFramesMix() throws {
        let script = TrackerTestPaths.fixtureSource("Python/native_mix.py")
        let line = try lineNumber(containing: "bytearray(", in: script)
        try withTemporaryDirectory { directory in
            let run = try TrackedRun.record(
                .python(
                    interpreter: TrackerTestPaths.python, script: script.path, call: "hold_four_mebibytes()",
                    arguments: []),
                nativeFrames: true, in: directory)

            #expect(run.outcome.processEnd == .exited(code: 0), "output: \(run.outcome.outputTail)")
            #expect(run.outcome.outputTail.contains("hold_four_mebibytes() returned 4194304"))
            let profile = try CaptureSet.profile(path: try #require(run.capturePaths.first))
            #expect(abs(profile.peakBytes - 4 * mebibyte) <= 64 * 1024, "peak \(profile.peakBytes)")
            let biggest = try #require(profile.stacks.max { $0.bytesAtPeak < $1.bytesAtPeak })
            #expect(biggest.bytesAtPeak >= 4 * mebibyte)
            let frames = biggest.frames
            let description = frames.map { "\($0.kind.rawValue) \($0.displayName)" }.joined(separator: "\n")
            let innermostPython = try #require(frames.lastIndex { $0.kind == .python }, "frames:\n\(description)")
            let firstNative = try #require(frames.firstIndex { $0.kind == .native }, "frames:\n\(description)")
            #expect(frames.first?.kind == .python, "frames:\n\(description)")
            // Python frames are outermost, all of them; the native frames below the eval loop follow.
            #expect(firstNative == innermostPython + 1, "frames:\n\(description)")
            #expect(frames[firstNative...].allSatisfy { $0.kind == .native }, "frames:\n\(description)")
            #expect(frames[innermostPython].function == "hold_four_mebibytes")
            #expect(frames[innermostPython].line == line)
            // At least one native frame is symbolized (a name, not a bare address).
            #expect(
                frames[firstNative...].contains { !$0.function.hasPrefix("0x") && $0.function != "??" },
                "frames:\n\(description)")

            let allocating = try #require(Frame.allocatingFrame(in: frames))
            #expect(allocating.kind == .python)
            #expect(allocating.function == "hold_four_mebibytes")
            let top = try #require(profile.topSites(limit: 1).first)
            #expect(top.key.function == "hold_four_mebibytes", "top site: \(top.displayName)")
            #expect(top.key.file.hasSuffix("native_mix.py"))
            #expect(top.line == line)
            #expect(top.bytesAtPeak >= 4 * mebibyte)
        }
    }

    @Test("native frames off: the same Python allocation's stack has Python frames only")
    func pythonFramesOnlyWithoutNative() throws {
        let script = TrackerTestPaths.fixtureSource("Python/native_mix.py")
        try withTemporaryDirectory { directory in
            let run = try TrackedRun.record(
                .python(
                    interpreter: TrackerTestPaths.python, script: script.path, call: "hold_four_mebibytes()",
                    arguments: []),
                nativeFrames: false, in: directory)

            #expect(run.outcome.processEnd == .exited(code: 0), "output: \(run.outcome.outputTail)")
            let profile = try CaptureSet.profile(path: try #require(run.capturePaths.first))
            let biggest = try #require(profile.stacks.max { $0.bytesAtPeak < $1.bytesAtPeak })
            #expect(biggest.bytesAtPeak >= 4 * mebibyte)
            #expect(!biggest.frames.isEmpty)
            #expect(biggest.frames.allSatisfy { $0.kind == .python }, "frames: \(biggest.frames.map(\.displayName))")
            #expect(biggest.frames.last?.function == "hold_four_mebibytes")
        }
    }

    /// The integers following each of `labels`, in order, on the first output line that starts
    /// with `labels[0]` (e.g. "parent 12 child 13 status 0").
    static func numbers(after labels: [String], in output: String) -> [Int]? {
        for line in output.split(separator: "\n") where line.hasPrefix(labels[0] + " ") {
            let words = line.split(separator: " ").map(String.init)
            guard words.count == 2 * labels.count else { return nil }
            var values: [Int] = []
            for (index, label) in labels.enumerated() {
                guard words[2 * index] == label, let value = Int(words[2 * index + 1]) else { return nil }
                values.append(value)
            }
            return values
        }
        return nil
    }
}
