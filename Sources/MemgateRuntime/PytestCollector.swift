import Foundation
import MemgateCore

/// Lists the tests of a pytest target without running them, for sharding: pytest runs
/// untracked with `--collect-only` and the memgate plugin writes the node ids it collected
/// (see `memgate_shard.py`).
enum PytestCollector {
    /// The target's node ids in collection order, or nil when collection failed (the target
    /// then stays one unit, so its failure is reported once, by the shard that owns it).
    static func collect(_ target: TargetConfig, configDirectory: URL, environment base: [String: String])
        -> [String]?
    {
        guard case .pytest = target.kind else { return nil }
        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("memgate-collect-\(target.name)-\(UUID().uuidString)")
        guard (try? FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)) != nil
        else { return nil }
        defer { try? FileManager.default.removeItem(at: scratch) }
        let listing = scratch.appendingPathComponent("collected.json")
        let execution = TargetExecution(
            target: target, configDirectory: configDirectory, trackerPath: "", baseEnvironment: base)
        let command = execution.trackedCommand(reportPath: "")
        var environment = command.environment(base: base, trackerPath: "", capturePath: "")
        // Untracked: nothing is measured while collecting.
        environment["LD_PRELOAD"] = base["LD_PRELOAD"]
        for key in ["MEMGATE_OUTPUT", "MEMGATE_PYTEST_REPORT", "MEMGATE_PYTEST_SELECT"] {
            environment.removeValue(forKey: key)
        }
        environment["MEMGATE_PYTEST_COLLECT"] = listing.path
        let workingDirectory = target.cwd.map { URL(fileURLWithPath: $0) } ?? configDirectory
        guard
            let outcome = try? TargetLauncher.run(
                LaunchRequest(
                    arguments: command.arguments() + ["--collect-only"], environment: environment,
                    workingDirectory: workingDirectory, timeoutSeconds: target.timeoutSeconds)),
            case .exited(let code) = outcome.processEnd, code == 0 || code == 5,
            let data = try? Data(contentsOf: listing),
            let ids = try? JSONDecoder().decode([String].self, from: data)
        else { return nil }
        return ids
    }
}
