import ArgumentParser
import MemgateCore
import MemgateRuntime

/// A failure of memgate itself with the exit code it maps to.
struct MemgateFailure: Error, CustomStringConvertible {
    var description: String
    var code: Int32
}

/// The one place where error types become exit codes.
enum ExitStatus {
    static let passed: Int32 = 0
    static let gateFailed: Int32 = 1
    static let usage: Int32 = 2
    static let internalFailure: Int32 = 3

    /// The exit code of an error thrown while running a command (parsing errors are handled
    /// by `Memgate.main`, through ArgumentParser's own `exitCode(for:)`).
    static func code(for error: Error) -> Int32 {
        switch error {
        case let failure as MemgateFailure: return failure.code
        case is ConfigError, is ValidationError, is BaselineLoadErrors: return usage
        case is CaptureError, is LaunchError: return internalFailure
        case is CleanExit: return passed
        case let exit as ExitCode: return exit.rawValue
        default: return internalFailure
        }
    }
}
