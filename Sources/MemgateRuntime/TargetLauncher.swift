import Foundation
import MemgateCore

/// What to start: a fully resolved command line with its environment.
public struct LaunchRequest: Sendable {
    /// argv; the first element is resolved on the target environment's PATH.
    public var arguments: [String]
    public var environment: [String: String]
    public var workingDirectory: URL?
    /// The process group is SIGKILLed after this many seconds.
    public var timeoutSeconds: Double?
    /// True: the target writes straight to memgate's stdout/stderr (`memgate record`);
    /// false: its output is collected, keeping only the last `outputTailBytes`.
    public var passThroughOutput: Bool
    public var outputTailBytes: Int

    public init(
        arguments: [String], environment: [String: String], workingDirectory: URL? = nil,
        timeoutSeconds: Double? = nil, passThroughOutput: Bool = false, outputTailBytes: Int = 16384
    ) {
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.timeoutSeconds = timeoutSeconds
        self.passThroughOutput = passThroughOutput
        self.outputTailBytes = outputTailBytes
    }
}

/// How a launched target ended.
public struct LaunchOutcome: Sendable {
    public var processEnd: CaseResult.ProcessEnd
    /// Last bytes of the target's combined output, decoded leniently (untrusted text).
    public var outputTail: String
    public var durationSeconds: Double
}

/// Errors starting a target (not the target's own failures, which are outcomes).
public struct LaunchError: Error, CustomStringConvertible {
    public var description: String
}

/// Runs one target process with a timeout, in its own process group.
public enum TargetLauncher {
    public static func run(_ request: LaunchRequest) throws -> LaunchOutcome {
        guard let first = request.arguments.first else { throw LaunchError(description: "empty command") }
        let relativeToWorkingDirectory =
            first.contains("/") ? resolveRelative(first, in: request.workingDirectory) : nil
        guard
            let executable = relativeToWorkingDirectory
                ?? ExecutableLocator.find(first, environment: request.environment)
        else {
            throw LaunchError(description: "command not found: \(first) (searched PATH and the working directory)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = Array(request.arguments.dropFirst())
        process.environment = request.environment
        if let directory = request.workingDirectory { process.currentDirectoryURL = directory }
        let tail = OutputTail(limitBytes: request.outputTailBytes)
        let pipe = Pipe()
        if !request.passThroughOutput {
            process.standardOutput = pipe
            process.standardError = pipe
            process.standardInput = FileHandle.nullDevice
        }
        let start = Date()
        do { try process.run() } catch {
            throw LaunchError(description: "cannot start \(executable): \(error.localizedDescription)")
        }
        RunningTargets.shared.add(process.processIdentifier)
        defer { RunningTargets.shared.remove(process.processIdentifier) }
        let timedOut = TimeoutFlag()
        if let timeout = request.timeoutSeconds {
            let pid = process.processIdentifier
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) {
                guard process.isRunning else { return }
                timedOut.set()
                kill(-pid, SIGKILL)  // the whole group: wrappers and their children too
            }
        }
        if !request.passThroughOutput {
            let handle = pipe.fileHandleForReading
            Thread.detachNewThread {
                while true {
                    let chunk = handle.availableData
                    if chunk.isEmpty { break }
                    tail.append(chunk)
                }
                tail.markEnd()
            }
        }
        process.waitUntilExit()
        // Whatever the target left behind in its process group (daemons, stuck children)
        // would outlive the measurement and hold CI up: end it with the target.
        kill(-process.processIdentifier, SIGKILL)
        // A grandchild may keep the pipe open; wait briefly for EOF, never indefinitely.
        if !request.passThroughOutput { tail.waitForEnd(seconds: 2) }
        let duration = Date().timeIntervalSince(start)
        let end: CaseResult.ProcessEnd
        if timedOut.isSet {
            end = .timedOut(afterSeconds: request.timeoutSeconds ?? duration)
        } else if process.terminationReason == .uncaughtSignal {
            end = .signalled(signal: process.terminationStatus)
        } else {
            end = .exited(code: process.terminationStatus)
        }
        return LaunchOutcome(processEnd: end, outputTail: tail.text, durationSeconds: duration)
    }

    private static func resolveRelative(_ path: String, in directory: URL?) -> String? {
        guard let directory, !path.hasPrefix("/") else { return nil }
        let candidate = directory.appendingPathComponent(path).path
        return FileManager.default.isExecutableFile(atPath: candidate) ? candidate : nil
    }
}

/// A bounded buffer keeping the last bytes of a target's output.
final class OutputTail: @unchecked Sendable {
    private let lock = NSLock()
    private var bytes = Data()
    private let limitBytes: Int
    private let finished = DispatchSemaphore(value: 0)

    init(limitBytes: Int) { self.limitBytes = limitBytes }

    func append(_ chunk: Data) {
        lock.lock()
        bytes.append(chunk)
        if bytes.count > limitBytes * 2 { bytes = bytes.suffix(limitBytes) }
        lock.unlock()
    }

    func markEnd() { finished.signal() }

    func waitForEnd(seconds: Double) { _ = finished.wait(timeout: .now() + seconds) }

    var text: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: bytes.suffix(limitBytes), as: UTF8.self)
    }
}

/// Set once from the timeout timer, read after the process ends.
final class TimeoutFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.lock(); value = true; lock.unlock() }
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
}
