import Foundation
import MemgateCore
import Testing

/// Python objects are seen through the interpreter's allocator domains, which the tracker wraps
/// so pymalloc keeps running (issue 11 point 2). The figures are those of every object at its
/// requested size: the same with pymalloc underneath as with PYTHONMALLOC=malloc (where each
/// object reached malloc), nothing of pymalloc's arenas or its malloc fallback is counted twice,
/// and a block freed through the other path than it was allocated on is matched.
@Suite struct PythonAllocatorDomainTests {
    static let fixture = "allocator_domains.py"

    @Test func figuresAreTheSameWithPymallocAndWithPythonmallocMalloc() throws {
        let workspace = try Workspace("allocator-domains")
        let script = try workspace.copyFixture(Self.fixture)
        var profiles: [String: Profile] = [:]
        for allocator in ["", "malloc", "pymalloc"] {
            let recording = try Memgate.record(
                ["python3", script.path], pythonCall: "make_objects()", name: "capture-\(allocator)", in: workspace,
                environment: ["PYTHONMALLOC": allocator])
            #expect(recording.run.exitCode == 0, "\(recording.run.standardError)")
            profiles[allocator] = try #require(recording.profile, "\(allocator): \(recording.run.standardError)")
        }
        let pymalloc = try #require(profiles[""])
        // The kept bytes objects alone are 106 607 B of payload plus a 33 B header each.
        #expect(pymalloc.bytesAtEnd >= 106_607 + 8 * 33)
        for allocator in ["malloc", "pymalloc"] {
            let other = try #require(profiles[allocator])
            #expect(other.peakBytes == pymalloc.peakBytes, "PYTHONMALLOC=\(allocator)")
            #expect(other.totalBytes == pymalloc.totalBytes, "PYTHONMALLOC=\(allocator)")
            #expect(other.allocationCount == pymalloc.allocationCount, "PYTHONMALLOC=\(allocator)")
            #expect(other.bytesAtEnd == pymalloc.bytesAtEnd, "PYTHONMALLOC=\(allocator)")
        }
    }

    @Test func blocksFreedThroughTheOtherPathAreMatched() throws {
        let workspace = try Workspace("allocator-domains-cross")
        let script = try workspace.copyFixture(Self.fixture)
        let recording = try Memgate.record(["python3", script.path], pythonCall: "free_across_paths()", in: workspace)
        #expect(recording.run.exitCode == 0, "\(recording.run.standardError)")
        let profile = try #require(recording.profile, "\(recording.run.standardError)")
        // ctypes' own argument objects may add a few small blocks.
        #expect(
            profile.bytesAtEnd >= 300_000 && profile.bytesAtEnd < 300_000 + 4096, "\(profile.bytesAtEnd) B at the end")
        #expect(profile.peakBytes >= 300_000 && profile.peakBytes < 300_000 + 4096, "peak \(profile.peakBytes) B")
        #expect(profile.totalBytes >= 600_000 && profile.totalBytes < 600_000 + 8192, "total \(profile.totalBytes) B")
    }
}
