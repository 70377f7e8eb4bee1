import Foundation
import MemgateCore
import MemgateRuntime
import Testing

private let mebibyte: Int64 = 1_048_576

/// A target is its whole process tree (issue 15, point 2): children made by fork, vfork+exec,
/// posix_spawn and shells are measured, the peak is the tree's combined high-water mark, and
/// sites name their process.
@Suite("tracker: process trees", .timeLimit(.minutes(2)))
struct TrackerProcessTreeTests {
    /// Records `arguments` and joins the captures of the whole tree.
    private func treeProfile(_ arguments: [String], in directory: URL) throws -> (TrackedRun, Profile) {
        let run = try TrackedRun.record(.native(arguments: arguments), nativeFrames: true, in: directory)
        #expect(run.outcome.processEnd == .exited(code: 0), "output: \(run.outcome.outputTail)")
        let base = directory.appendingPathComponent("capture.mgc")
        return (run, try CaptureSet.treeProfile(path: base, basePath: base))
    }

    @Test("three processes each holding 10 MiB at one moment: the tree's peak is exactly 30 MiB")
    func threeProcessesAddUp() throws {
        try withTemporaryDirectory { directory in
            let (_, profile) = try treeProfile([try TrackerTestPaths.fixture("process_tree"), "three"], in: directory)
            #expect(profile.peakBytes == 30 * mebibyte)
            #expect(profile.totalBytes == 30 * mebibyte)
            #expect(profile.allocationCount == 3)
            let pids = Set(profile.stacks.compactMap { Frame.processFrame(in: $0.frames)?.pid })
            #expect(pids.count == 3)
            let sites = profile.topSites()
            #expect(sites.first?.key.function == "hold_ten_mebibytes")
            #expect(sites.first?.key.process == "process_tree")
            #expect(sites.first?.bytesAtPeak == 30 * mebibyte)
        }
    }

    @Test("a parent frees 20 MiB before its child allocates 15 MiB: the tree's peak is 20 MiB, not 35 MiB")
    func handoffIsNotTheSumOfPeaks() throws {
        try withTemporaryDirectory { directory in
            let (_, profile) = try treeProfile(
                [try TrackerTestPaths.fixture("process_tree"), "handoff"], in: directory)
            #expect(profile.peakBytes == 20 * mebibyte)
            #expect(profile.totalBytes == 35 * mebibyte)
            let child = try #require(profile.topSites().first { $0.key.function == "hold_in_child" })
            #expect(child.totalBytes == 15 * mebibyte)
            #expect(child.pid != nil)
        }
    }

    @Test("vfork + exec: the exec'd child's exact figures are the tree's (3 MiB + 12 345 B)")
    func vforkExecChildIsMeasured() throws {
        try withTemporaryDirectory { directory in
            let (_, profile) = try treeProfile(
                [try TrackerTestPaths.fixture("process_tree"), "vfork", try TrackerTestPaths.fixture("exact_peak")],
                in: directory)
            #expect(profile.peakBytes == 3 * mebibyte + 12_345)
            let top = try #require(profile.topSites().first)
            #expect(top.key.function == "hold_megabyte")
            #expect(top.key.process == "exact_peak")
            // The vfork child ran the exec hook on the parent's thread memory; the parent's own
            // allocation afterwards must still be tracked.
            let after = try #require(profile.topSites().first { $0.key.function == "hold_after_vfork" })
            #expect(after.totalBytes == mebibyte)
        }
    }

    @Test("posix_spawn and system(): the parent's 2 MiB + 777 B and the spawned child's 3 MiB + 12 345 B coincide")
    func posixSpawnChildIsMeasured() throws {
        let arguments = [try TrackerTestPaths.fixture("spawn_child"), try TrackerTestPaths.fixture("exact_peak")]
        try withTemporaryDirectory { directory in
            let (_, profile) = try treeProfile(arguments, in: directory)
            #expect(profile.peakBytes == 2 * mebibyte + 777 + 3 * mebibyte + 12_345)
            let sites = profile.topSites()
            #expect(sites.first { $0.key.function == "hold_megabyte" }?.key.process == "exact_peak")
            #expect(sites.first { $0.key.function == "hold_spawn_parent_block" }?.key.process == "spawn_child")
        }
    }

    @Test("a shell that runs the program as its child (no exec): the program's 3 MiB is in the tree's peak")
    func shellWrapperChildIsMeasured() throws {
        let program = try TrackerTestPaths.fixture("exact_peak")
        try withTemporaryDirectory { directory in
            let (_, profile) = try treeProfile(["/bin/sh", "-c", "\(program); true"], in: directory)
            #expect(profile.peakBytes >= 3 * mebibyte + 12_345)
            #expect(profile.peakBytes < 3 * mebibyte + 12_345 + 64 * 1024, "the shell holds little")
            let top = try #require(profile.topSites().first)
            #expect(top.key.function == "hold_megabyte")
            #expect(top.displayName.contains("(in exact_peak, pid "))
        }
    }

    @Test("children: false (MEMGATE_CHILDREN=0): only the root is measured, with a notice about its children")
    func childrenOffLeavesANotice() throws {
        try withTemporaryDirectory { directory in
            let command = TrackedCommand(
                program: .native(arguments: [try TrackerTestPaths.fixture("process_tree"), "three"]),
                nativeFrames: true, trackChildren: false)
            let base = directory.appendingPathComponent("capture.mgc")
            let outcome = try TargetLauncher.run(
                LaunchRequest(
                    arguments: command.arguments(),
                    environment: command.environment(
                        base: ProcessInfo.processInfo.environment, trackerPath: try TrackerTestPaths.tracker(),
                        capturePath: base.path)))
            #expect(outcome.processEnd == .exited(code: 0))
            #expect(CaptureSet.descendantPaths(of: base).isEmpty)
            let profile = try CaptureSet.treeProfile(path: base, basePath: base)
            #expect(profile.peakBytes == 10 * mebibyte)
            #expect(profile.captureNotices?.contains { $0.hasPrefix("2 child process(es) ran untracked") } == true)
        }
    }

    @Test("a relative capture path still reaches a child that runs after the shell changed directory")
    func relativeOutputSurvivesChdir() throws {
        let program = try TrackerTestPaths.fixture("exact_peak")
        try withTemporaryDirectory { directory in
            let command = TrackedCommand(
                program: .native(arguments: ["/bin/sh", "-c", "cd / && \(program); true"]), nativeFrames: true)
            let outcome = try TargetLauncher.run(
                LaunchRequest(
                    arguments: command.arguments(),
                    environment: command.environment(
                        base: ProcessInfo.processInfo.environment, trackerPath: try TrackerTestPaths.tracker(),
                        capturePath: "capture.mgc"),
                    workingDirectory: directory))
            #expect(outcome.processEnd == .exited(code: 0), "output: \(outcome.outputTail)")
            let base = directory.appendingPathComponent("capture.mgc")
            #expect(CaptureSet.descendantPaths(of: base).count == 1)
            let profile = try CaptureSet.treeProfile(path: base, basePath: base)
            #expect(profile.peakBytes >= 3 * mebibyte + 12_345)
            #expect(profile.topSites().first?.key.function == "hold_megabyte")
        }
    }
}
