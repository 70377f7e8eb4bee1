import Foundation
import MemgateCore
import MemgateReports
import MemgateRuntime

extension RunCommand {
    /// The shard to run: `--shard K/N`, else `$MEMGATE_SHARD`, else nil (the whole suite).
    func shardSpec(environment: [String: String]) throws -> ShardSpec? {
        let (text, origin) =
            shard.map { ($0, "--shard") } ?? environment["MEMGATE_SHARD"].map { ($0, "MEMGATE_SHARD") } ?? ("", "")
        guard !origin.isEmpty, !(origin == "MEMGATE_SHARD" && text.isEmpty) else { return nil }
        do {
            return try ShardSpec.parse(text)
        } catch {
            throw MemgateFailure(description: "\(origin): \(error)", code: ExitStatus.usage)
        }
    }

    /// Narrows `selected` to this shard's targets and tests (see `ShardSelection`); nil when
    /// the whole suite runs.
    func shardSelection(suite: SuiteConfig, selected: [TargetConfig]) throws -> ShardSelection? {
        let environment = ProcessInfo.processInfo.environment
        guard let spec = try shardSpec(environment: environment) else { return nil }
        let configBytes: [UInt8]
        do {
            configBytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: config)))
        } catch {
            throw MemgateFailure(description: "\(config): \(error)", code: ExitStatus.usage)
        }
        let selection = try ShardSelection(
            suite: suite, selected: selected, shard: spec, configBytes: configBytes, environment: environment)
        let cases = selection.plan.units(of: spec.index).count
        print("memgate: shard \(spec): \(cases) of \(selection.plan.units.count) case(s)")
        return selection
    }
}
