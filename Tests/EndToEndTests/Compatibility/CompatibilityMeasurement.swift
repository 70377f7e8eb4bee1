import Foundation
import MemgateCore

/// What `memgate record` measured for one compatibility program.
struct CompatibilityMeasurement: Sendable {
    var program: CompatibilityProgram
    /// First line of the runtime's version output.
    var runtimeVersion: String
    /// Exit status of `memgate record` (the program's own, or 1 when it was killed at the timeout).
    var exitCode: Int32
    /// Wall time of `memgate record`, in seconds.
    var durationSeconds: Double
    /// The capture's peak, nil when no capture could be read.
    var peakBytes: Int64?
    var completion: Profile.Completion?
    /// memgate's stderr, for failure messages.
    var log: String

    /// Why the measurement is wrong, one sentence each; empty when the program passes.
    var problems: [String] {
        var found: [String] = []
        let limit = CompatibilityProgram.timeoutSeconds
        if durationSeconds >= limit { found.append(String(format: "did not finish within %.0f s", limit)) }
        if let reason = program.notMeasuredReason {
            if exitCode == 0 { found.append("memgate record exited with 0 for a program it cannot measure") }
            if !log.contains("not measured") || !log.contains(reason) {
                found.append("memgate did not say \"not measured: … \(reason)\"")
            }
            return found
        }
        if exitCode != 0 { found.append("memgate record exited with \(exitCode)") }
        if completion != .complete { found.append("the capture is \(completion?.rawValue ?? "missing")") }
        guard let peakBytes else { return found + ["no peak was measured"] }
        if peakBytes < program.heldBytes {
            found.append("peak \(peakBytes) B is below the \(program.heldBytes) B the program holds")
        }
        if peakBytes > program.maximumPeakBytes {
            found.append("peak \(peakBytes) B is above the \(program.maximumPeakBytes) B allowed")
        }
        return found
    }

    /// Records every program at once — each waits mostly on its own child, and a hang costs one
    /// timeout instead of one per program — and returns the measurements in the suite's order.
    static func measureAll(_ programs: [CompatibilityProgram]) -> [CompatibilityMeasurement] {
        let results = ResultSlots(count: programs.count)
        let group = DispatchGroup()
        for (index, program) in programs.enumerated() {
            group.enter()
            let thread = Thread {
                results.set(index, measure(program))
                group.leave()
            }
            thread.start()
        }
        group.wait()
        return results.values
    }

    static func measure(_ program: CompatibilityProgram) -> CompatibilityMeasurement {
        let version = runtimeVersion(program.versionCommand)
        do {
            let workspace = try Workspace("compat-\(program.id)")
            let recording = try Memgate.record(
                program.command, pythonCall: program.pythonCall, name: program.id, in: workspace,
                timeoutSeconds: CompatibilityProgram.timeoutSeconds)
            return CompatibilityMeasurement(
                program: program, runtimeVersion: version, exitCode: recording.run.exitCode,
                durationSeconds: recording.run.durationSeconds, peakBytes: recording.profile?.peakBytes,
                completion: recording.profile?.completion,
                log: recording.run.standardError + (recording.reportError ?? ""))
        } catch {
            return CompatibilityMeasurement(
                program: program, runtimeVersion: version, exitCode: -1, durationSeconds: 0, peakBytes: nil,
                completion: nil, log: "\(error)")
        }
    }

    private static func runtimeVersion(_ command: [String]) -> String {
        guard
            let executable = command.first.flatMap({ name in
                name.hasPrefix("/") ? URL(fileURLWithPath: name) : ChildProcess.findOnPath([name])
            })
        else { return "not installed" }
        guard
            let run = try? ChildProcess.run(
                executable, Array(command.dropFirst()), environment: ProcessInfo.processInfo.environment,
                directory: FileManager.default.temporaryDirectory, timeoutSeconds: 20)
        else { return "unknown" }
        let output = run.standardOutput + "\n" + run.standardError
        return output.split(separator: "\n").first { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            .map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown"
    }
}

/// Results written by one thread each, read after all have finished.
private final class ResultSlots: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [CompatibilityMeasurement?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: CompatibilityMeasurement) {
        lock.lock()
        defer { lock.unlock() }
        slots[index] = value
    }

    var values: [CompatibilityMeasurement] {
        lock.lock()
        defer { lock.unlock() }
        return slots.compactMap { $0 }
    }
}
