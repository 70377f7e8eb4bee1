import Foundation
import Testing

@testable import MemgateRuntime

/// The target's own memory cgroup: made under memgate's group, capped on request, removed after,
/// and the resident samples put on a capture's timeline.
@Suite struct MemoryCgroupTests {
    static let mebibyte: Int64 = 1_048_576

    @Test(
        .enabled(
            if: (try? MemoryCgroup.create(limitBytes: nil, environment: [:]).get().remove()) != nil,
            "no memory cgroup can be created here (needs the cgroup v2 memory controller delegated, or cgroup v1)"))
    func aTargetOverItsLimitIsKilledForMemoryAndItsGroupRemoved() throws {
        // The shell keeps 100 MB of command output in a variable, beyond a 32 MiB cap.
        let outcome = try TargetLauncher.run(
            LaunchRequest(
                arguments: ["/bin/sh", "-c", "x=$(head -c 100000000 /dev/zero | tr '\\0' a); echo ${#x}"],
                environment: ["PATH": "/usr/bin:/bin"], memoryLimitBytes: 32 * Self.mebibyte))
        #expect(outcome.processEnd == .signalled(signal: SIGKILL), "\(outcome.outputTail)")
        #expect(outcome.killedOutOfMemory)
        #expect(outcome.memoryLimitNotice == nil)
        let charged = try #require(outcome.chargedPeakBytes)
        #expect(charged <= 33 * Self.mebibyte && charged >= 24 * Self.mebibyte, "\(charged)")
        let directory = try #require(outcome.cgroupDirectory)
        #expect(!FileManager.default.fileExists(atPath: directory), "\(directory) left behind")
    }

    /// A group left by a memgate that was SIGKILLed (it cannot remove its own) is removed by the
    /// next memgate that makes one in the same place.
    @Test(
        .enabled(
            if: (try? MemoryCgroup.create(limitBytes: nil, environment: [:]).get().remove()) != nil,
            "no memory cgroup can be created here (needs the cgroup v2 memory controller delegated, or cgroup v1)"))
    func anAbandonedGroupOfAMemgateThatIsGoneIsRemoved() throws {
        let group = try MemoryCgroup.create(limitBytes: nil, environment: [:]).get()
        let parent = URL(fileURLWithPath: group.directory).deletingLastPathComponent().path
        group.remove()
        // A pid above any pid_max: no process has it.
        let abandoned = parent + "/memgate-\(Int32.max - 7)-abandoned"
        #expect(mkdir(abandoned, 0o755) == 0)
        MemoryCgroup.removeAbandoned(in: parent)
        #expect(!FileManager.default.fileExists(atPath: abandoned))
    }

    @Test func memgateCgroupOffMeansNoGroup() {
        guard
            case .failure(let unavailable) = MemoryCgroup.create(
                limitBytes: nil, environment: ["MEMGATE_CGROUP": "off"])
        else {
            Issue.record("a group was made although MEMGATE_CGROUP=off")
            return
        }
        #expect(unavailable.reason == "MEMGATE_CGROUP=off")
    }

    /// Samples before the region stand at its start (the last one), those after its end are left
    /// out, and times become nanoseconds since the region began.
    @Test func residentSamplesArePutOnTheCapturesTimeline() {
        let samples = [(900, 10), (950, 20), (1000, 30), (1500, 40), (2100, 50), (2300, 60)].map {
            ResidentMemorySampler.Sample(monotonicNanoseconds: Int64($0.0), residentBytes: Int64($0.1))
        }
        let series = ResidentMemorySampler.regionSeries(samples, regionStartNanoseconds: 980, durationNanoseconds: 1200)
        #expect(series.map(\.timeNanoseconds) == [0, 20, 520, 1120])
        #expect(series.map(\.liveBytes) == [20, 30, 40, 50])
        let capped = ResidentMemorySampler.regionSeries(
            samples, regionStartNanoseconds: 0, durationNanoseconds: 10_000, limit: 3)
        #expect(capped.map(\.liveBytes) == [20, 40, 60])
    }
}
