import Foundation

/// Process groups of targets running now, so that memgate can take them down with it when
/// it is interrupted (targets run in their own process group, out of reach of Ctrl-C).
public final class RunningTargets: @unchecked Sendable {
    public static let shared = RunningTargets()

    private let lock = NSLock()
    private var groups: Set<Int32> = []
    private var sources: [DispatchSourceSignal] = []

    func add(_ pid: Int32) {
        lock.lock()
        groups.insert(pid)
        lock.unlock()
    }

    func remove(_ pid: Int32) {
        lock.lock()
        groups.remove(pid)
        lock.unlock()
    }

    /// On SIGINT or SIGTERM: SIGKILL every running target's process group, then exit with
    /// 128 + the signal number, as a shell would report it.
    public func terminateTargetsOnInterrupt() {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { [self] in
                lock.lock()
                let running = groups
                lock.unlock()
                for group in running { kill(-group, SIGKILL) }
                FileHandle.standardError.write(
                    Data("memgate: interrupted; stopped \(running.count) running target(s)\n".utf8))
                exit(128 + signalNumber)
            }
            source.resume()
            sources.append(source)
        }
    }
}
