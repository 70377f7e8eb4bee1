import Foundation

/// Targets running now and their scratch directories, so that memgate can take them down with
/// it when it is interrupted (targets run in their own process group, out of reach of Ctrl-C).
public final class RunningTargets: @unchecked Sendable {
    public static let shared = RunningTargets()

    private let lock = NSLock()
    /// Process group → launch token (see `Leftovers`).
    private var groups: [Int32: String] = [:]
    private var scratchDirectories: Set<URL> = []
    private var sources: [DispatchSourceSignal] = []
    private var interrupted = false

    /// Called when a target has ended: once memgate is being interrupted, the target's end is
    /// the interruption's doing, so the caller must not go on to report it (and exit 1 before
    /// the handler exits 128 + signal); it waits here for the handler's `exit`.
    func waitIfInterrupted() {
        lock.lock()
        let stopping = interrupted
        lock.unlock()
        while stopping { sleep(60) }
    }

    func add(_ pid: Int32, token: String) {
        lock.lock()
        groups[pid] = token
        lock.unlock()
    }

    func remove(_ pid: Int32) {
        lock.lock()
        groups[pid] = nil
        lock.unlock()
    }

    /// Registers a scratch directory to delete if memgate is interrupted before its owner does.
    public func addScratch(_ directory: URL) {
        lock.lock()
        scratchDirectories.insert(directory)
        lock.unlock()
    }

    public func removeScratch(_ directory: URL) {
        lock.lock()
        scratchDirectories.remove(directory)
        lock.unlock()
    }

    /// On SIGINT or SIGTERM: SIGKILL every running target's process group and leftovers, delete
    /// the scratch directories and the targets' memory cgroups, then exit with 128 + the signal number, as a shell would report it.
    public func terminateTargetsOnInterrupt() {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { [self] in
                lock.lock()
                interrupted = true
                let running = groups
                let scratch = scratchDirectories
                lock.unlock()
                for (group, token) in running {
                    kill(-group, SIGKILL)
                    Leftovers.kill(token: token)
                }
                for directory in scratch { try? FileManager.default.removeItem(at: directory) }
                MemoryCgroup.removeAll()
                FileHandle.standardError.write(
                    Data("memgate: interrupted; stopped \(running.count) running target(s)\n".utf8))
                exit(128 + signalNumber)
            }
            source.resume()
            sources.append(source)
        }
    }
}
