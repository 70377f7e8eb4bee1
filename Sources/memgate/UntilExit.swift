import Foundation

/// Values kept alive until the process exits, so they are never freed: a suite's results hold
/// millions of frame references (a scipy import alone: 2.4 M), and releasing them one by one
/// after the last report took about 10 ms of memgate's wall time that exiting gives back at once.
enum UntilExit {
    private static let lock = NSLock()
    /// Guarded by `lock`; only ever appended to.
    nonisolated(unsafe) private static var kept: [Any] = []

    /// Keeps `value` (and everything it references) alive until the process exits.
    static func keep(_ value: Any) {
        lock.lock()
        kept.append(value)
        lock.unlock()
    }
}
