import Foundation

/// Tells the user once per memgate process, on standard error, that native frames stay
/// addresses (`module+0xoffset`) and how to get function names and lines. Python frames never
/// need llvm-symbolizer, so a Python-only run never says it.
final class SymbolizerNotice: @unchecked Sendable {
    static let shared = SymbolizerNotice()

    private let lock = NSLock()  // guards `said`; targets are symbolized on several threads with --jobs
    private var said = false

    /// Writes the notice with `reason` unless it was written already.
    func say(_ reason: String) {
        lock.lock()
        let first = !said
        said = true
        lock.unlock()
        guard first else { return }
        FileHandle.standardError.write(
            Data(
                """
                memgate: native frames are shown as module+0xoffset: \(reason). For function names and \
                lines install llvm-symbolizer (Debian: `sudo apt-get install llvm`) or set MEMGATE_SYMBOLIZER \
                to its path.\n
                """.utf8))
    }
}
