import Foundation
import MemgateCore

/// Samples the resident memory (RSS) of a target's process tree while it runs.
///
/// Every `intervalSeconds` it reads `/proc/<pid>/status` of each process in the tree (through
/// ``ProcessStatusReader``: one `pread` per process, no strings) and keeps
/// the highest sum of `VmRSS` and each process's `VmHWM` (the kernel's own high-water mark, exact
/// per process). The tree is the target's memory cgroup when it has one (``MemoryCgroup``: every
/// descendant, `setsid` daemons included), else its process group (a child that left the group
/// with `setsid` is not counted). The tree's peak is the largest of: the highest sampled sum, the
/// highest per-process `VmHWM` seen, and the root's `ru_maxrss` from `wait4` (exact for the root
/// process, read after it exits). For one process that is its exact peak RSS (kernel page
/// granularity); for a tree a sum sampled every few milliseconds, which can miss a peak shorter
/// than the interval and counts pages shared between processes once per process.
///
/// The cgroup's own high-water mark (`memory.peak` / `memory.max_usage_in_bytes`) is exact for the
/// tree but counts every page charged to it, page cache included: the tracker's capture file alone
/// adds about 30 MiB that no process has mapped. It is reported apart, as the charged peak.
///
/// Every sample is also kept with its `CLOCK_MONOTONIC` time, the tracker's clock, so the series
/// can be drawn on the capture's timeline (``regionSeries(_:regionStartNanoseconds:durationNanoseconds:limit:)``).
final class ResidentMemorySampler: @unchecked Sendable {
    /// One reading: resident bytes of the tree at a `CLOCK_MONOTONIC` time.
    struct Sample: Equatable, Sendable {
        var monotonicNanoseconds: Int64
        var residentBytes: Int64
    }

    private let rootPid: pid_t
    private let cgroup: MemoryCgroup?
    private let intervalSeconds: Double
    private let lock = NSLock()
    private var stopped = false
    private var highestSumBytes: Int64 = 0
    private var highestProcessBytes: Int64 = 0
    private var samples: [Sample] = []
    /// Membership by pid, so a process's environment is read once.
    private var isMember: [pid_t: Bool] = [:]
    private let done = DispatchSemaphore(value: 0)
    /// Signalled by `finish`, so the sampler stops at once instead of at the end of its interval
    /// (up to 10 ms after the target exited, on memgate's critical path).
    private let wake = DispatchSemaphore(value: 0)
    /// Owned by the sampling thread.
    private let statusReader = ProcessStatusReader()

    init(rootPid: pid_t, cgroup: MemoryCgroup? = nil, intervalSeconds: Double = 0.01) {
        self.rootPid = rootPid
        self.cgroup = cgroup
        self.intervalSeconds = intervalSeconds
    }

    func start() {
        Thread.detachNewThread { [self] in
            // Below the target and memgate's own work: sampling must not slow what it measures.
            // On Linux, who 0 is the calling thread alone.
            setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
            while !isStopped {
                sample()
                _ = wake.wait(timeout: .now() + intervalSeconds)
            }
            statusReader.closeAll()
            done.signal()
        }
    }

    /// Stops sampling and returns the tree's peak RSS in bytes, given the root's `ru_maxrss`
    /// (KiB, from `wait4`); nil when nothing was ever seen.
    func finish(rootMaxResidentKiB: Int64) -> Int64? {
        lock.lock()
        stopped = true
        lock.unlock()
        wake.signal()
        done.wait()
        let peak = max(highestSumBytes, highestProcessBytes, rootMaxResidentKiB * 1024)
        return peak > 0 ? peak : nil
    }

    /// The samples taken, in time order (read after ``finish(rootMaxResidentKiB:)``).
    var series: [Sample] {
        lock.lock()
        defer { lock.unlock() }
        return samples
    }

    /// `CLOCK_MONOTONIC` now, in nanoseconds: the clock the tracker stamps its timeline with.
    static func monotonicNanoseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
    }

    /// `samples` on a capture's timeline: nanoseconds since its region began, only those from the
    /// region's start to its end (the last reading before the start stands at 0, so the series
    /// starts where the region does), at most `limit` points (the highest of each equal bucket,
    /// so the maximum survives).
    static func regionSeries(
        _ samples: [Sample], regionStartNanoseconds: Int64, durationNanoseconds: Int64, limit: Int = 2000
    ) -> [TimelineSample] {
        var points: [TimelineSample] = []
        var before: Sample?
        for sample in samples {
            let time = sample.monotonicNanoseconds - regionStartNanoseconds
            if time < 0 {
                before = sample
                continue
            }
            if time > durationNanoseconds { break }
            if points.isEmpty, let before {
                points.append(TimelineSample(timeNanoseconds: 0, liveBytes: before.residentBytes))
            }
            points.append(TimelineSample(timeNanoseconds: time, liveBytes: sample.residentBytes))
        }
        guard points.count > limit, limit > 0 else { return points }
        let bucketSize = (points.count + limit - 1) / limit
        return stride(from: 0, to: points.count, by: bucketSize).map { start in
            points[start..<min(start + bucketSize, points.count)].max { $0.liveBytes < $1.liveBytes }!
        }
    }

    private var isStopped: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopped
    }

    private func sample() {
        let time = Self.monotonicNanoseconds()
        var sum: Int64 = 0
        var highestHWM: Int64 = 0
        let pids = members()
        statusReader.keepOnly(pids)
        for pid in pids {
            guard let reading = statusReader.reading(of: pid) else { continue }
            sum += reading.residentBytes
            highestHWM = max(highestHWM, reading.highWaterBytes)
        }
        lock.lock()
        if sum > 0 { samples.append(Sample(monotonicNanoseconds: time, residentBytes: sum)) }
        highestSumBytes = max(highestSumBytes, sum)
        highestProcessBytes = max(highestProcessBytes, highestHWM)
        lock.unlock()
    }

    private func members() -> [pid_t] {
        if let cgroup { return cgroup.members }
        return Leftovers.processes().filter { pid in
            if pid == rootPid { return true }
            if let known = isMember[pid] { return known }
            // Not by the launch token: reading another process's environment takes its memory map
            // lock, which would slow the very exec and fork the tree is doing.
            let member = Self.processGroup(of: pid) == rootPid
            isMember[pid] = member
            return member
        }
    }

    /// Field 5 of `/proc/<pid>/stat` (after the parenthesised command name, which may hold spaces).
    private static func processGroup(of pid: pid_t) -> pid_t? {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/stat") else { return nil }
        let text = String(decoding: data, as: UTF8.self)
        guard let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        return fields.count > 2 ? pid_t(fields[2]) : nil
    }

    /// The kernel's count of OOM kills so far (`oom_kill` in `/proc/vmstat`), nil when unknown.
    static func outOfMemoryKills() -> Int64? {
        guard let data = FileManager.default.contents(atPath: "/proc/vmstat") else { return nil }
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") where line.hasPrefix("oom_kill ") {
            return Int64(line.dropFirst("oom_kill ".count))
        }
        return nil
    }
}
