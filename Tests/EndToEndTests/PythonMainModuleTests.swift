import Foundation
import MemgateCore
import Testing

/// Issue 15 point 9: a recorded script is a real module — `sys.modules["__main__"]` when run
/// whole, its own importable name under `--python-call` — so pickle and multiprocessing (fork and
/// spawn) find its functions, and its own allocation is still measured under its function.
@Suite struct PythonMainModuleTests {
    static let fixture = "Tests/Fixtures/EndToEnd/main_module.py"
    /// `bytearray(2 MiB)`: 2 MiB + 1 B of buffer plus a 56 B object.
    static let blockBytes: Int64 = (2 << 20) + 1 + 56

    @Test(
        arguments: [
            (["fork", "spawn"], nil),
            ([], "hold_and_pickle(\"fork\", \"spawn\")"),
        ] as [([String], String?)])
    func scriptFunctionsPickleAndRunInPoolsAndTheScriptIsMeasured(
        arguments: [String], pythonCall: String?
    ) throws {
        let workspace = try Workspace("main-module")
        let script = try workspace.copyFixture("main_module.py")
        let recording = try Memgate.record(["python3", script.path] + arguments, pythonCall: pythonCall, in: workspace)
        #expect(recording.run.exitCode == 0, "\(recording.run.standardError)")
        let profile = try #require(recording.profile, "\(recording.run.standardError)")
        let blockLine = try RepositoryLayout.lineNumber(of: "block = bytearray(", in: Self.fixture)
        #expect(profile.bytesAtPeak(innermost: "hold_and_pickle", line: blockLine) == Self.blockBytes)
        #expect(profile.completion == .complete)
    }
}
