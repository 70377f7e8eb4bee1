import ArgumentParser
import Foundation
import MemgateCore
import MemgateRuntime

/// `memgate accept`: run targets and make their measurements the baselines on purpose, recording
/// why in the baseline files.
struct AcceptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accept",
        abstract: "Run targets and accept their figures as the new baselines, recording the reason.",
        discussion: """
            Each named target runs as with `memgate run --update-baselines`; its baseline file \
            (Baselines/<target>.json, or one per pytest test) then also records the reason, the date \
            and the old and new peak, total, allocation count and bytes at end, so review sees why a \
            budget grew. HTML and Markdown reports show the last accepted reason. A case that crashed, \
            timed out or was not measured is not accepted (exit 1); budgets (`limit`, …) still apply.

            The date is today's in UTC, or the day of $SOURCE_DATE_EPOCH when set.

            Examples:
              memgate accept parser --reason "the index is cached now: +2 MiB for 10x faster lookups"
              memgate accept a b --config ci/memgate.yml --reason "Python 3.12 upgrade"
            """
    )

    @Option(name: .long, help: "Suite configuration (YAML).")
    var config: String = "ci/memgate.yml"

    @Argument(help: "Targets to accept (at least one).")
    var targets: [String] = []

    @Option(help: "Why the new figures are right; recorded in each baseline file.")
    var reason: String

    @Option(help: "Directory for junit.xml, results.json, summary.md, index.html and flamegraphs/.")
    var artifacts: String?

    @OptionGroup var jsonOutput: JSONOutputOptions

    @OptionGroup var timeoutOptions: TimeoutOptions

    func validate() throws {
        guard !targets.isEmpty else {
            throw ValidationError("name the targets to accept, e.g. `memgate accept parser --reason \"…\"`")
        }
        guard !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw ValidationError("--reason must say why the new figures are right; it is recorded in the baseline")
        }
    }

    func run() throws {
        let suite = try ConfigLoader.load(path: config)
        var selected = try SuiteSession.select(targets, from: suite, configPath: config)
        if let timeout = timeoutOptions.timeout {
            for index in selected.indices { selected[index].timeoutSeconds = timeout.seconds }
        }
        let request = AcceptanceRequest(
            reason: reason.trimmingCharacters(in: .whitespacesAndNewlines),
            date: try Self.today(environment: ProcessInfo.processInfo.environment))
        try SuiteSession(
            configPath: config, suite: suite, selected: selected, sharding: nil,
            options: SuiteRunOptions(acceptance: request), artifacts: artifacts, junit: nil,
            jsonOutput: jsonOutput, markdown: nil
        ).run()
    }

    /// `YYYY-MM-DD` in UTC of now, or of `$SOURCE_DATE_EPOCH` (reproducible builds' convention).
    static func today(environment: [String: String]) throws -> String {
        var date = Date()
        if let epoch = environment["SOURCE_DATE_EPOCH"] {
            guard let seconds = Int64(epoch), seconds >= 0 else {
                throw MemgateFailure(
                    description: "SOURCE_DATE_EPOCH must be whole seconds since 1970, got '\(epoch)'",
                    code: ExitStatus.usage)
            }
            date = Date(timeIntervalSince1970: TimeInterval(seconds))
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 1970, parts.month ?? 1, parts.day ?? 1)
    }
}
