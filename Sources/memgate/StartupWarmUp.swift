import Foundation
import MemgateCore
import MemgateRuntime

/// Work every run needs before its first target starts that does not depend on the command
/// line, done on a thread of its own while the main thread parses the command line: the time
/// from `memgate` to the target's exec is wall time added to every CI run.
enum StartupWarmUp {
    /// Starts the warm-up; whatever it has not finished when the main thread needs it, the main
    /// thread waits for (each piece is a once-per-process initializer).
    static func start() {
        Thread.detachNewThread {
            ConfigLoader.prepare()
            // Bundle.module looks for the resources directory beside the executable (a few
            // directory reads) the first time a Python target's command is built.
            _ = RuntimeResources.pythonDirectory
        }
    }
}
