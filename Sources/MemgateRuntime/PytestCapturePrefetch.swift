import Foundation
import MemgateCore

/// Reads a pytest target's captures while its tests still run, so that decoding and building
/// the profile of a big capture (iterative_ensemble_smoother's first test imports scipy: 49 000
/// stacks, 2.4 million frames, about half a second of CPU) and aggregating its sites overlap the
/// next tests instead of following the run.
///
/// Only what is sure not to change is read early: a capture of the pytest process once a later
/// one exists (starting a region finalizes the previous capture), that is finished, has no
/// child-process captures beside it, and names no native address (symbolizing is left to the
/// one llvm-symbolizer run over every capture after the tests). `profiles()` hands back only the
/// profiles whose file is still the one that was read, with no child captures appeared since,
/// so each is exactly what `CaptureSet.treeProfiles` would give for it.
final class PytestCapturePrefetch: @unchecked Sendable {
    private let basePath: URL
    private let symbolizer: NativeSymbolizer
    private let finish: @Sendable (Profile) -> Profile
    private let lock = NSLock()
    private var stopping = false
    private var started = false
    /// The watching thread, once it runs at idle priority.
    private var thread: pthread_t?
    private var read: [URL: (profile: Profile, identity: FileIdentity)] = [:]
    private var seen: Set<URL> = []
    private let done = DispatchSemaphore(value: 0)
    /// Signalled by `profiles()`, so the watcher stops at once instead of after its pause.
    private let wake = DispatchSemaphore(value: 0)
    /// SCHED_IDLE of <linux/sched.h>, which Glibc's Swift module leaves out (it needs _GNU_SOURCE).
    private static let idlePolicy: Int32 = 5
    /// Seconds between two looks at the capture directory.
    private let pollSeconds = 0.05

    /// - Parameter finish: what the target does to each profile before its verdict (suppressions,
    ///   relative paths), done here too, so that the sites aggregated early are the final ones.
    init(basePath: URL, symbolizer: NativeSymbolizer, finish: @escaping @Sendable (Profile) -> Profile) {
        self.basePath = basePath
        self.symbolizer = symbolizer
        self.finish = finish
    }

    /// Starts watching the captures in the background, at idle priority: reading early must
    /// never take a core from the tests being measured (a numpy suite's BLAS threads keep both
    /// of a CI machine's cores busy), only use one they leave idle. `profiles()` gives the
    /// thread a normal priority back, so what is left is read as fast as without prefetching,
    /// even beside other targets (`--jobs`).
    func start() {
        started = true
        Thread.detachNewThread { [self] in
            lock.lock()
            var parameters = sched_param()
            if pthread_setschedparam(pthread_self(), PytestCapturePrefetch.idlePolicy, &parameters) == 0 {
                thread = pthread_self()
            }
            lock.unlock()
            while !isStopping {
                readFinishedCaptures()
                _ = wake.wait(timeout: .now() + pollSeconds)
            }
            done.signal()
        }
    }

    /// Stops watching (after the capture being read, if any) and returns the profiles read early
    /// that are still valid, by capture path, each already passed through `finish`.
    func profiles() -> [URL: Profile] {
        lock.lock()
        stopping = true
        if let thread {
            var parameters = sched_param()
            _ = pthread_setschedparam(thread, SCHED_OTHER, &parameters)
        }
        lock.unlock()
        wake.signal()
        if started { done.wait() }
        var valid: [URL: Profile] = [:]
        for (path, entry) in read where FileIdentity(path) == entry.identity && !hasChildCaptures(path) {
            valid[path] = entry.profile
        }
        return valid
    }

    private var isStopping: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopping
    }

    /// One look at the capture directory: reads the captures that are ready and not read yet.
    func readFinishedCaptures() {
        // The last capture may still be written; every earlier one was finalized.
        for path in CaptureSet.paths(basePath: basePath).dropLast() where !seen.contains(path) {
            if isStopping { return }
            seen.insert(path)
            guard !hasChildCaptures(path), let identity = FileIdentity(path),
                let raw = try? CaptureSet.decode(path: path), raw.isFinished, raw.nativeAddresses.isEmpty,
                FileIdentity(path) == identity
            else { continue }
            let profile = finish(
                CaptureSet.combineTree(root: raw, children: [:], basePath: path, symbolizer: symbolizer))
            // Sites aggregated now are kept by the profile (and by the case built from it), so the
            // reports after the tests do not walk its frames again.
            _ = profile.topSites()
            lock.lock()
            read[path] = (profile, identity)
            lock.unlock()
        }
    }

    private func hasChildCaptures(_ path: URL) -> Bool {
        !CaptureSet.descendantPaths(of: path).isEmpty
    }
}

/// A file as it was when read: a capture rewritten since (a restarted process writing the same
/// name) has another inode, size or modification time.
struct FileIdentity: Equatable {
    var inode: UInt64
    var size: Int64
    var modifiedSeconds: Int
    var modifiedNanoseconds: Int

    init?(_ path: URL) {
        var status = stat()
        guard stat(path.path, &status) == 0 else { return nil }
        inode = UInt64(status.st_ino)
        size = Int64(status.st_size)
        modifiedSeconds = Int(status.st_mtim.tv_sec)
        modifiedNanoseconds = Int(status.st_mtim.tv_nsec)
    }
}
