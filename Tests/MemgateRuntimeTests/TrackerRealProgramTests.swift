import Foundation
import MemgateCore
import MemgateRuntime
import Testing

private let mebibyte: Int64 = 1_048_576

/// Regressions for what real programs (Rust, the JVM, daemons, raw clone) did to the tracker:
/// each test reproduces one defect of issue 15 with a program whose allocations are known.
@Suite("tracker on real-program behaviours", .timeLimit(.minutes(3)))
struct TrackerRealProgramTests {
    @Test("threads that call pthread_getattr_np first (Rust, JVM) finish, and their 4 × 1 MiB are counted")
    func getattrInThreadsDoesNotDeadlock() throws {
        try withTemporaryDirectory { directory in
            let run = try TrackedRun.record(
                .native(arguments: [try TrackerTestPaths.fixture("getattr_threads")]), nativeFrames: true,
                in: directory, timeoutSeconds: 20)
            #expect(run.outcome.processEnd == .exited(code: 0), "output: \(run.outcome.outputTail)")
            let profile = try CaptureSet.profile(path: try #require(run.capturePaths.first))
            #expect(profile.completion == .complete)
            let hold = try #require(profile.topSites().first { $0.key.function == "hold_mebibyte" })
            #expect(hold.bytesAtPeak == 4 * mebibyte)
            #expect(hold.allocationsAtPeak == 4)
        }
    }

    @Test("a raw clone() child is a process of the tree: parent exactly 8 MiB, child 50 MiB, tree 58 MiB")
    func rawCloneChildIsMeasuredOnItsOwn() throws {
        try withTemporaryDirectory { directory in
            let run = try TrackedRun.record(
                .native(arguments: [try TrackerTestPaths.fixture("clone_child")]), nativeFrames: true, in: directory)
            #expect(run.outcome.processEnd == .exited(code: 0), "output: \(run.outcome.outputTail)")
            let base = try #require(run.capturePaths.first)
            let raw = try CaptureSet.decode(path: base)
            #expect(raw.isFinished)
            #expect(raw.peakBytes == 8 * mebibyte)
            #expect(raw.totalBytes == 8 * mebibyte)
            #expect(raw.allocationCount == 1)
            let children = CaptureSet.descendantPaths(of: base)
            #expect(children.count == 1)
            let child = try CaptureSet.decode(path: try #require(children.first))
            #expect(child.isFinished)
            #expect(child.peakBytes == 50 * mebibyte)
            #expect(child.allocationCount == 1)
            let tree = try CaptureSet.treeProfile(path: base, basePath: base)
            #expect(tree.peakBytes == 58 * mebibyte)
            #expect(tree.completion == .complete)
        }
    }

    @Test("the tracker adds at most 32 MiB of address space to a C program, so RLIMIT_AS programs keep their room")
    func trackerReservesLittleAddressSpace() throws {
        func figures(_ output: String) -> (vmPeakKiB: Int, mebibytes: Int) {
            (printedInteger("vm_peak_kib", in: output), printedInteger("mebibytes_before_failure", in: output))
        }
        let program = try TrackerTestPaths.fixture("address_space")
        let untracked = try TargetLauncher.run(
            LaunchRequest(arguments: [program], environment: ProcessInfo.processInfo.environment, timeoutSeconds: 20))
        try withTemporaryDirectory { directory in
            let run = try TrackedRun.record(.native(arguments: [program]), nativeFrames: true, in: directory)
            #expect(run.outcome.processEnd == .exited(code: 0), "output: \(run.outcome.outputTail)")
            let alone = figures(untracked.outputTail)
            let tracked = figures(run.outcome.outputTail)
            #expect(alone.vmPeakKiB > 0 && alone.mebibytes > 200, "untracked: \(untracked.outputTail)")
            // Before the sections were mapped on demand: +50.5 MiB, and 203 instead of 252 blocks.
            #expect(tracked.vmPeakKiB - alone.vmPeakKiB <= 32 * 1024, "tracked: \(run.outcome.outputTail)")
            #expect(tracked.mebibytes >= alone.mebibytes - 16, "tracked: \(run.outcome.outputTail)")
            let raw = try CaptureSet.decode(path: try #require(run.capturePaths.first))
            #expect(raw.isFinished)
        }
    }

    @Test("the tracker adds at most 64 MiB of address space to a Python interpreter with Python frames")
    func trackerReservesLittleAddressSpaceInPython() throws {
        let (alone, tracked) = try Self.printedAloneAndTracked(
            "vm_peak_kib", script: "Python/address_space.py", call: "report()", timeoutSeconds: 20)
        // Before the sections were mapped on demand and the Python tables sized to the
        // capture's: +116 MiB (+78 MiB with the sections alone).
        #expect(tracked - alone <= 64 * 1024, "tracked \(tracked) KiB, untracked \(alone) KiB")
    }

    @Test("3000 Python threads started one after another add at most 16 MiB of resident memory")
    func threadsStartedInTurnShareTheTrackersMemos() throws {
        let (alone, tracked) = try Self.printedAloneAndTracked(
            "vm_rss_kib", script: "Python/thread_after_thread.py", call: nil, timeoutSeconds: 60)
        // Before the Python frame memo lived in the thread's slot: each thread made its own
        // 16 KiB memo and kept it, +52 MiB here (63 MiB against 10.6 MiB).
        #expect(tracked - alone <= 16 * 1024, "tracked \(tracked) KiB, untracked \(alone) KiB")
    }

    /// The integer a Python fixture prints as `key=N`, run alone and then under the tracker with
    /// Python frames (`call` inside a region, or the whole script); both runs must succeed.
    static func printedAloneAndTracked(
        _ key: String, script name: String, call: String?, timeoutSeconds: Double,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> (alone: Int, tracked: Int) {
        let script = TrackerTestPaths.fixtureSource(name)
        let untracked = try TargetLauncher.run(
            LaunchRequest(
                arguments: [TrackerTestPaths.python, script.path], environment: ProcessInfo.processInfo.environment,
                timeoutSeconds: timeoutSeconds))
        let alone = printedInteger(key, in: untracked.outputTail)
        #expect(alone > 0, "untracked: \(untracked.outputTail)", sourceLocation: sourceLocation)
        let tracked = try withTemporaryDirectory { directory in
            let run = try TrackedRun.record(
                .python(interpreter: TrackerTestPaths.python, script: script.path, call: call, arguments: []),
                nativeFrames: false, in: directory, timeoutSeconds: timeoutSeconds)
            #expect(
                run.outcome.processEnd == .exited(code: 0), "output: \(run.outcome.outputTail)",
                sourceLocation: sourceLocation)
            return printedInteger(key, in: run.outcome.outputTail)
        }
        return (alone, tracked)
    }

    @Test("a capture larger than the stack section's capacity (32 768 stacks, 11 MB) still finishes: 1 MiB exactly")
    func largeCaptureIsCompacted() throws {
        try withTemporaryDirectory { directory in
            let run = try TrackedRun.record(
                .native(arguments: [try TrackerTestPaths.fixture("many_stacks")]), nativeFrames: true, in: directory)
            #expect(run.outcome.processEnd == .exited(code: 0), "output: \(run.outcome.outputTail)")
            let raw = try CaptureSet.decode(path: try #require(run.capturePaths.first))
            // Before: compaction gave up above 8 MiB and left the capture unfinished (interrupted).
            let finished = raw.isFinished
            #expect(finished)
            #expect(raw.peakBytes == 1_048_576)
            #expect(raw.allocationCount == 32_768)
            #expect(raw.stacks.filter { $0.totalBytes == 32 }.count == 32_768)
        }
    }

    @Test("a daemon that closes fds 3…1023 and reopens its output keeps its 1 MiB file intact")
    func daemonOutputFileIsNotTruncated() throws {
        try withTemporaryDirectory { directory in
            let output = directory.appendingPathComponent("daemon-output.bin")
            let run = try TrackedRun.record(
                .native(arguments: [try TrackerTestPaths.fixture("daemon_output"), output.path]), nativeFrames: true,
                in: directory)
            #expect(run.outcome.processEnd == .exited(code: 0), "output: \(run.outcome.outputTail)")
            let attributes = try FileManager.default.attributesOfItem(atPath: output.path)
            #expect(attributes[.size] as? Int == 1_048_576)
            let profile = try CaptureSet.profile(path: try #require(run.capturePaths.first))
            #expect(profile.completion == .complete)
            #expect(profile.peakBytes >= mebibyte)
        }
    }

    @Test("a PTHREAD_STACK_MIN thread that used 8 KiB of its stack allocates under the tracker and is counted")
    func tinyStackThreadSurvives() throws {
        try withTemporaryDirectory { directory in
            let run = try TrackedRun.record(
                .native(arguments: [try TrackerTestPaths.fixture("tiny_stack_thread")]), nativeFrames: true,
                in: directory)
            #expect(run.outcome.processEnd == .exited(code: 0), "output: \(run.outcome.outputTail)")
            #expect(run.outcome.outputTail.contains("ok"))
            let raw = try CaptureSet.decode(path: try #require(run.capturePaths.first))
            // The thread's 4096 B block is freed by main after the join; it was live at the peak.
            #expect(raw.stacks.contains { $0.totalBytes == 4096 && $0.allocationCount == 1 })
        }
    }

    @Test("a launcher that drops LD_PRELOAD and execs leaves a capture that reads as not measured")
    func execWithoutPreloadIsNotMeasured() throws {
        try withTemporaryDirectory { directory in
            let run = try TrackedRun.record(
                .native(arguments: [
                    try TrackerTestPaths.fixture("exec_without_preload"), try TrackerTestPaths.fixture("exact_peak"),
                ]), nativeFrames: true, in: directory)
            #expect(run.outcome.processEnd == .exited(code: 0), "output: \(run.outcome.outputTail)")
            let capture = try #require(run.capturePaths.first)
            let raw = try CaptureSet.decode(path: capture)
            #expect(!raw.isFinished)
            #expect(raw.execPath?.hasSuffix("exact_peak") == true)
            #expect(raw.execDroppedPreload)
            let profile = try CaptureSet.profile(path: capture)
            #expect(!profile.isFullyMeasured)
            #expect(profile.unmeasuredReason?.contains("LD_PRELOAD was removed") == true)
        }
    }

    @Test("a wrapper that execs a statically linked program: not measured, naming the program")
    func execOfStaticProgramIsNotMeasured() throws {
        let staticProgram = try TrackerTestPaths.fixture("exact_peak_static")
        try withTemporaryDirectory { directory in
            let run = try TrackedRun.record(
                .native(arguments: ["/bin/sh", "-c", "exec \(staticProgram)"]), nativeFrames: true, in: directory)
            #expect(run.outcome.processEnd == .exited(code: 0), "output: \(run.outcome.outputTail)")
            let profile = try CaptureSet.profile(path: try #require(run.capturePaths.first))
            #expect(
                profile.unmeasuredReason
                    == "not measured: \(staticProgram) is statically linked; LD_PRELOAD cannot reach it")
        }
    }

    @Test("a full capture device (1 MiB tmpfs) stops tracking cleanly: the target lives, the case is not measured")
    func fullCaptureDeviceStopsTrackingCleanly() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare") else { return }
        try withTemporaryDirectory { directory in
            let mount = directory.appendingPathComponent("small-tmpfs")
            try FileManager.default.createDirectory(at: mount, withIntermediateDirectories: true)
            let capture = mount.appendingPathComponent("capture.mgc")
            let copy = directory.appendingPathComponent("copied.mgc")
            // In a private mount namespace: a 1 MiB tmpfs, 900 000 B of it filled, then a Python
            // start-up (hundreds of distinct stacks) tracked with its capture there.
            let script = """
                mount -t tmpfs -o size=1m none '\(mount.path)' || exit 90
                head -c 900000 /dev/zero > '\(mount.path)/filler'
                MEMGATE_OUTPUT='\(capture.path)' MEMGATE_NATIVE=1 LD_PRELOAD='\(try TrackerTestPaths.tracker())' \\
                    '\(TrackerTestPaths.python)' -c 'import json, email, http.client; print("alive")'
                status=$?
                cp '\(capture.path)' '\(copy.path)'
                exit $status
                """
            let outcome = try TargetLauncher.run(
                LaunchRequest(arguments: ["/usr/bin/unshare", "-rm", "/bin/sh", "-c", script], environment: [:]))
            if case .exited(90) = outcome.processEnd { return }  // no mount namespaces here
            #expect(outcome.processEnd == .exited(code: 0), "output: \(outcome.outputTail)")
            #expect(outcome.outputTail.contains("alive"))
            let raw = try CaptureSet.decode(path: copy)
            #expect(raw.captureFull)
            let profile = raw.profile()
            #expect(!profile.isFullyMeasured)
            #expect(profile.unmeasuredReason?.contains("could not grow") == true)
        }
    }
}

@Suite("tracker: libraries loaded during the run", .timeLimit(.minutes(1)))
struct TrackerDlopenTests {
    @Test("a plugin loaded with dlopen is symbolized even when the target is SIGKILLed before finalizing")
    func dlopenedLibraryIsNamedAfterACrash() throws {
        let plugin = TrackerTestPaths.packageRoot.appendingPathComponent(".build/fixtures/liballoc_plugin.so").path
        try withTemporaryDirectory { directory in
            let run = try TrackedRun.record(
                .native(arguments: [try TrackerTestPaths.fixture("dlopen_crash"), plugin]), nativeFrames: true,
                in: directory)
            #expect(run.outcome.processEnd == .signalled(signal: 9), "output: \(run.outcome.outputTail)")
            let profile = try CaptureSet.profile(path: try #require(run.capturePaths.first))
            #expect(profile.completion == .interrupted)
            let top = try #require(profile.topSites().first)
            #expect(top.key.function == "plugin_hold_two_mebibytes")
            #expect(top.key.file.hasSuffix("alloc_plugin.c"))
            #expect(top.bytesAtPeak == 2 * 1_048_576)
        }
    }
}

@Suite("tracker: reserved address space", .timeLimit(.minutes(1)))
struct TrackerReservationTests {
    @Test("PROT_NONE reservations count nothing until mprotect or MAP_FIXED make them accessible (peak 6 MiB)")
    func reservationsCountWhenAccessible() throws {
        try withTemporaryDirectory { directory in
            let run = try TrackedRun.record(
                .native(arguments: [try TrackerTestPaths.fixture("reserve_commit")]), nativeFrames: true, in: directory)
            #expect(run.outcome.processEnd == .exited(code: 0), "output: \(run.outcome.outputTail)")
            let profile = try CaptureSet.profile(path: try #require(run.capturePaths.first))
            #expect(profile.peakBytes == 6 * 1_048_576)
            #expect(profile.totalBytes == 6 * 1_048_576)
            #expect(profile.allocationCount == 2)
            #expect(profile.bytesAtEnd == 0)
            let sites = profile.topSites()
            #expect(sites.map(\.key.function) == ["commit_with_mprotect", "commit_with_map_fixed"])
            #expect(sites.map(\.bytesAtPeak) == [4 * 1_048_576, 2 * 1_048_576])
        }
    }
}

/// The integer a fixture printed as a `key=value` line, or -1 when it printed none.
private func printedInteger(_ key: String, in output: String) -> Int {
    output.split(separator: "\n").first { $0.hasPrefix(key + "=") }.flatMap { Int($0.dropFirst(key.count + 1)) } ?? -1
}
