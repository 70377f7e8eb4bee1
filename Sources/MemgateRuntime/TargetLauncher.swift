import CMemgateSpawn
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
    /// `oom-limit`: the kernel OOM-kills the tree above this many bytes (needs a memory cgroup).
    public var memoryLimitBytes: Int64?

    public init(
        arguments: [String], environment: [String: String], workingDirectory: URL? = nil,
        timeoutSeconds: Double? = nil, passThroughOutput: Bool = false, outputTailBytes: Int = 16384,
        memoryLimitBytes: Int64? = nil
    ) {
        self.memoryLimitBytes = memoryLimitBytes
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
    /// Peak resident memory of the target's process tree in bytes (see `ResidentMemorySampler`
    /// for its precision); nil when it could not be read.
    public var residentPeakBytes: Int64?
    /// The target died of SIGKILL while the kernel's OOM-kill count rose: killed for memory.
    public var killedOutOfMemory: Bool
    /// Resident memory of the tree as sampled, with `CLOCK_MONOTONIC` times.
    var residentSeries: [ResidentMemorySampler.Sample] = []
    /// The high-water mark of memory charged to the target's cgroup (RSS plus page cache), when
    /// it ran in one; see ``ResidentMemorySampler``.
    public var chargedPeakBytes: Int64?
    /// The cgroup the target ran in (removed by the time the outcome is returned).
    var cgroupDirectory: String?
    /// Why a requested `oom-limit` could not be applied, when it could not.
    public var memoryLimitNotice: String?
}

/// Errors starting a target (not the target's own failures, which are outcomes).
public struct LaunchError: Error, CustomStringConvertible {
    public var description: String
}

/// Runs one target process with a timeout, in its own process group, and owns its whole tree:
/// the target's own exit ends the measurement, and whatever it left behind (children in its
/// group, `setsid` daemons) is killed then. Started through `memgate_spawn` rather than
/// Foundation's `Process`, whose `waitUntilExit` also waits for a socket it leaks into
/// grandchildren; the child gets no descriptor but stdin/stdout/stderr and dies with memgate.
public enum TargetLauncher {
    /// Environment variable carrying a per-launch token, inherited by every descendant, by which
    /// leftovers that left the target's process group are recognised.
    static let ownerTokenVariable = "MEMGATE_LAUNCH_TOKEN"

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
        let token = UUID().uuidString
        var environment = request.environment
        environment[ownerTokenVariable] = token
        let tail = OutputTail(limitBytes: request.outputTailBytes)
        var pipeEnds: [Int32] = [-1, -1]
        let nullInput = request.passThroughOutput ? -1 : open("/dev/null", O_RDONLY | O_CLOEXEC)
        if !request.passThroughOutput {
            let error = memgate_cloexec_pipe(&pipeEnds)
            guard error == 0 else {
                throw LaunchError(description: "cannot create a pipe: \(String(cString: strerror(error)))")
            }
        }
        var (cgroup, memoryLimitNotice) = makeCgroup(limitBytes: request.memoryLimitBytes)
        defer { cgroup?.remove() }
        let start = Date()
        var pid: pid_t = 0
        do {
            let procs = cgroup?.procsDescriptor() ?? -1
            defer { if procs >= 0 { close(procs) } }
            let spawned = try spawn(
                executable, arguments: request.arguments, environment: environment,
                directory: request.workingDirectory?.path, stdinDescriptor: nullInput, outputDescriptor: pipeEnds[1],
                cgroupDescriptor: cgroup == nil ? -1 : procs)
            if let spawned {
                pid = spawned
            } else {
                // The child could not join the group: measure from /proc instead.
                if request.memoryLimitBytes != nil {
                    memoryLimitNotice = Self.limitNotice(
                        request.memoryLimitBytes, reason: "cannot join \(cgroup!.directory)")
                }
                cgroup?.remove()
                cgroup = nil
                pid = try spawn(
                    executable, arguments: request.arguments, environment: environment,
                    directory: request.workingDirectory?.path, stdinDescriptor: nullInput,
                    outputDescriptor: pipeEnds[1], cgroupDescriptor: -1)!
            }
        } catch {
            for descriptor in [nullInput, pipeEnds[0], pipeEnds[1]] where descriptor >= 0 { close(descriptor) }
            throw error
        }
        if nullInput >= 0 { close(nullInput) }
        if pipeEnds[1] >= 0 { close(pipeEnds[1]) }
        RunningTargets.shared.add(pid, token: token)
        defer { RunningTargets.shared.remove(pid) }
        if pipeEnds[0] >= 0 {
            let handle = FileHandle(fileDescriptor: pipeEnds[0], closeOnDealloc: true)
            Thread.detachNewThread {
                while true {
                    let chunk = handle.availableData
                    if chunk.isEmpty { break }
                    tail.append(chunk)
                }
                tail.markEnd()
            }
        }
        let outOfMemoryKillsBefore = ResidentMemorySampler.outOfMemoryKills()
        let sampler = ResidentMemorySampler(rootPid: pid, cgroup: cgroup)
        sampler.start()
        let watch = TimeoutWatch(pid: pid)
        if let timeout = request.timeoutSeconds {
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { watch.expire() }
        }
        let (status, rootMaxResidentKiB) = waitForExit(pid)
        watch.finish()
        RunningTargets.shared.waitIfInterrupted()
        // Whatever the target left behind (its group, daemons that called setsid) would outlive
        // the measurement and hold CI up: end it with the target.
        kill(-pid, SIGKILL)
        Leftovers.kill(token: token)
        // Only now: waiting for the sampler first would give leftovers time to exec and fork.
        let residentPeakBytes = sampler.finish(rootMaxResidentKiB: rootMaxResidentKiB)
        // A survivor out of reach may keep the pipe open; wait briefly for EOF, never indefinitely.
        if !request.passThroughOutput { tail.waitForEnd(seconds: 2) }
        let duration = Date().timeIntervalSince(start)
        let end: CaseResult.ProcessEnd
        if watch.expired {
            end = .timedOut(afterSeconds: request.timeoutSeconds ?? duration)
        } else if status & 0x7f != 0 {
            end = .signalled(signal: status & 0x7f)
        } else {
            end = .exited(code: (status >> 8) & 0xff)
        }
        var killedOutOfMemory = false
        if case .signalled(SIGKILL) = end {
            if let kills = cgroup?.outOfMemoryKills {
                killedOutOfMemory = kills > 0
            } else if let before = outOfMemoryKillsBefore, let after = ResidentMemorySampler.outOfMemoryKills() {
                killedOutOfMemory = after > before
            }
        }
        var outcome = LaunchOutcome(
            processEnd: end, outputTail: tail.text, durationSeconds: duration, residentPeakBytes: residentPeakBytes,
            killedOutOfMemory: killedOutOfMemory)
        outcome.residentSeries = sampler.series
        outcome.chargedPeakBytes = cgroup?.peakBytes
        outcome.cgroupDirectory = cgroup?.directory
        outcome.memoryLimitNotice = memoryLimitNotice
        return outcome
    }

    /// The target's own memory cgroup (capped at `limitBytes`), or nil and, when a cap was asked
    /// for, the notice that it could not be applied.
    private static func makeCgroup(limitBytes: Int64?) -> (MemoryCgroup?, String?) {
        switch MemoryCgroup.create(limitBytes: limitBytes, environment: ProcessInfo.processInfo.environment) {
        case .success(let group): return (group, nil)
        case .failure(let unavailable): return (nil, limitNotice(limitBytes, reason: unavailable.reason))
        }
    }

    private static func limitNotice(_ limitBytes: Int64?, reason: String) -> String? {
        limitBytes.map {
            "oom-limit \(String(format: "%.1f MiB", Double($0) / 1_048_576)) not applied: no memory cgroup could be created here (\(reason)); "
                + "resident memory is sampled from /proc"
        }
    }

    /// The child's pid, or nil when it could not join the cgroup of `cgroupDescriptor`.
    private static func spawn(
        _ executable: String, arguments: [String], environment: [String: String], directory: String?,
        stdinDescriptor: Int32, outputDescriptor: Int32, cgroupDescriptor: Int32
    ) throws -> pid_t? {
        let argv = [executable] + arguments.dropFirst()
        let envp = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let result = withCStrings(argv) { argvPointer in
            withCStrings(envp) { envpPointer in
                memgate_spawn(
                    executable, argvPointer, envpPointer, directory, stdinDescriptor, outputDescriptor,
                    cgroupDescriptor, &pid)
            }
        }
        if result < 0 { return nil }
        guard result == 0 else {
            throw LaunchError(description: "cannot start \(executable): \(String(cString: strerror(result)))")
        }
        return pid
    }

    /// The raw wait status of `pid` once it has exited (retried across EINTR), and its
    /// `ru_maxrss` in KiB: the largest RSS the process (or a descendant it waited for) reached.
    private static func waitForExit(_ pid: pid_t) -> (status: Int32, maxResidentKiB: Int64) {
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        return (status, Int64(usage.ru_maxrss))
    }

    private static func resolveRelative(_ path: String, in directory: URL?) -> String? {
        guard let directory, !path.hasPrefix("/") else { return nil }
        let candidate = directory.appendingPathComponent(path).path
        return FileManager.default.isExecutableFile(atPath: candidate) ? candidate : nil
    }
}

/// `strings` as a NULL-terminated `char *const[]` for the duration of `body`.
private func withCStrings<Result>(
    _ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> Result
) -> Result {
    let pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) } + [nil]
    defer { for pointer in pointers { free(pointer) } }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
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

/// The timeout of one running target: it kills the group only while the target has not been
/// reaped, so a recycled pid is never signalled.
final class TimeoutWatch: @unchecked Sendable {
    private let lock = NSLock()
    private let pid: pid_t
    private var finished = false
    private var didExpire = false

    init(pid: pid_t) { self.pid = pid }

    func expire() {
        lock.lock()
        defer { lock.unlock() }
        guard !finished else { return }
        didExpire = true
        kill(-pid, SIGKILL)  // the whole group: wrappers and their children too
    }

    func finish() {
        lock.lock()
        finished = true
        lock.unlock()
    }

    var expired: Bool { lock.lock(); defer { lock.unlock() }; return didExpire }
}
