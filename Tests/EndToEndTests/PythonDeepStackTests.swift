import Foundation
import MemgateCore
import Testing

/// Issue 15 point 11: a Python stack deeper than memgate keeps (128 frame words per stack) keeps
/// its innermost frames, so the allocation is charged to the function and line that made it,
/// whether the frames are read from the interpreter (the default on CPython 3.11) or kept by the
/// profile hook (MEMGATE_PYTHON_FRAMES=profile, the way on other versions).
@Suite struct PythonDeepStackTests {
    static let fixture = "Tests/Fixtures/EndToEnd/deep_stack.py"
    /// `bytearray(1 MiB)`: 1 MiB + 1 B of buffer plus a 56 B object.
    static let blockBytes: Int64 = (1 << 20) + 1 + 56

    /// 1 500 calls is deeper than the profile hook's ring of 1 024 entries.
    @Test(arguments: ["walk", "profile"], [900, 1500])
    func aDeepStackKeepsItsInnermostFrames(frames: String, depth: Int) throws {
        let workspace = try Workspace("deep-stack-\(frames)-\(depth)")
        let script = try workspace.copyFixture("deep_stack.py")
        let recording = try Memgate.record(
            ["python3", script.path], pythonCall: "hold_deep(\(depth))", in: workspace,
            environment: ["MEMGATE_PYTHON_FRAMES": frames])
        #expect(recording.run.exitCode == 0, "\(recording.run.standardError)")
        let profile = try #require(recording.profile, "\(recording.run.standardError)")
        let blockLine = try RepositoryLayout.lineNumber(of: "return bytearray(BLOCK_BYTES)", in: Self.fixture)
        // The block, and at most the call's argument tuple when the tuple free list is empty.
        let atBlockLine = profile.bytesAtPeak(innermost: "descend", line: blockLine)
        #expect(atBlockLine >= Self.blockBytes && atBlockLine <= Self.blockBytes + 64, "\(atBlockLine) B")
        let block = try #require(profile.stacks.max { $0.bytesAtPeak < $1.bytesAtPeak })
        // Frames are outermost first: 900 or more calls deep, even the outermost kept is `descend`.
        #expect(block.frames.count >= 100, "\(block.frames.count) frames")
        #expect(block.frames.allSatisfy { $0.function == "descend" }, "\(block.frames.prefix(3))")
    }

    /// The same callers at changing depths, walked and profiled: each block's stack is exactly its
    /// call chain, every frame at its own line (a walk memoizes frame words by instruction, so a
    /// caller met again further out must be found with its line, never another frame's).
    @Test(arguments: ["walk", "profile"])
    func callersAtChangingDepthsKeepTheirLines(frames: String) throws {
        let fixture = "Tests/Fixtures/EndToEnd/varied_depth.py"
        let workspace = try Workspace("varied-depth-\(frames)")
        let script = try workspace.copyFixture("varied_depth.py")
        let recording = try Memgate.record(
            ["python3", script.path], pythonCall: "hold_varied()", in: workspace,
            environment: ["MEMGATE_PYTHON_FRAMES": frames])
        #expect(recording.run.exitCode == 0, "\(recording.run.standardError)")
        let profile = try #require(recording.profile, "\(recording.run.standardError)")
        let leafLine = try RepositoryLayout.lineNumber(of: "return bytearray(size)", in: fixture)
        let recursingLine = try RepositoryLayout.lineNumber(of: "return middle(depth - 1, size)", in: fixture)
        let bottomLine = try RepositoryLayout.lineNumber(of: "return leaf(size)", in: fixture)
        let callLine = try RepositoryLayout.lineNumber(of: "kept.append(middle(depth", in: fixture)
        let blockStacks = profile.stacks.filter { $0.frames.last?.function == "leaf" }
        let chains = Set(blockStacks.map { $0.frames.map { "\($0.function):\($0.line ?? 0)" } })
        let expected = Set(
            [0, 3, 1, 5, 2].map { depth in
                ["hold_varied:\(callLine)"] + Array(repeating: "middle:\(recursingLine)", count: depth)
                    + ["middle:\(bottomLine)", "leaf:\(leafLine)"]
            })
        #expect(chains == expected)
        // Six blocks of 1000 + 10·depth + index bytes, each with its 1 B terminator and 56 B object.
        let blocks: [Int64] = [1000, 1031, 1012, 1053, 1004, 1025].map { $0 + 1 + 56 }
        #expect(blockStacks.reduce(0) { $0 + $1.totalBytes } == blocks.reduce(0, +))
    }
}
