import ArgumentParser
import Foundation
import MemgateCore
import MemgateReports
import MemgateRuntime

/// `memgate run`: run the configured suite and gate it.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the configured suite under the tracker and gate it on budgets and baselines.",
        discussion: """
            Each target runs under libmemgate_tracker.so; its peak and top sites are compared with \
            its `limit` and with Baselines/<target>.json. Artifacts (JUnit XML, HTML flamegraphs, \
            Markdown and JSON summaries) go to --artifacts.

            Examples:
              memgate run                          # all targets of ci/memgate.yml
              memgate run fibonacci-generator      # only this target
              memgate run --artifacts artifacts --jobs 2
              memgate run --artifacts artifacts --export pprof,speedscope
              memgate run --update-baselines       # rewrite baselines, then commit
              memgate run --ratchet                # a stale baseline fails: budgets only move down
              memgate run --config ci/exercises/fibonacci-list.yml
              memgate run --shard 2/4 --artifacts shard-2   # a quarter of the suite; see `memgate merge`

            Exit codes: 0 all passed · 1 a target failed · 2 usage or config error \
            · 3 memgate could not run.
            """
    )

    @Option(name: .long, help: "Suite configuration (YAML).")
    var config: String = "ci/memgate.yml"

    @Argument(help: "Targets to run (default: all in the config).")
    var targets: [String] = []

    @Flag(help: "Rewrite Baselines/ for the targets run (only inside the baselines directory) and print what changed.")
    var updateBaselines = false

    @Option(help: "Directory for junit.xml, results.json, summary.md, index.html and flamegraphs/.")
    var artifacts: String?

    @Option(
        help: ArgumentHelp(
            "Also write each case's profile under <artifacts>/profiles/ in these formats, comma-separated: "
                + "pprof (<case>.pb.gz), speedscope (<case>.speedscope.json).", valueName: "formats"),
        transform: ExportFormats.parse)
    var export: ExportFormats?

    @Option(help: "Write JUnit XML here (default: <artifacts>/junit.xml).")
    var junit: String?

    @OptionGroup var jsonOutput: JSONOutputOptions

    @OptionGroup var timeoutOptions: TimeoutOptions

    @Option(help: "Write the Markdown summary here (default: $GITHUB_STEP_SUMMARY when set, appended).")
    var markdown: String?

    @Flag(
        help: ArgumentHelp(
            "Fail every case whose peak shrank below its baseline beyond tolerance and noise floor "
                + "(as `ratchet: true`), so improvements are locked in by updating the baseline."))
    var ratchet = false

    @Flag(help: "Stop starting targets after the first failure (the rest are reported as skipped).")
    var failFast = false

    @Option(help: "Targets to run at the same time.")
    var jobs: Int = 1

    @Option(
        help: ArgumentHelp(
            "Run only shard K of N (e.g. 2/4): a deterministic split of targets and pytest tests, "
                + "balanced by durations recorded in baselines. Default: $MEMGATE_SHARD.",
            valueName: "K/N"))
    var shard: String?

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
        guard export == nil || artifacts != nil else {
            throw ValidationError("--export writes under the artifacts directory; add --artifacts DIR")
        }
    }

    func run() throws {
        let suite = try ConfigLoader.load(path: config)
        var selected = try SuiteSession.select(targets, from: suite, configPath: config)
        let sharding = try shardSelection(suite: suite, selected: selected)
        if let sharding { selected = sharding.targets }
        if let timeout = timeoutOptions.timeout {
            for index in selected.indices { selected[index].timeoutSeconds = timeout.seconds }
        }
        try SuiteSession(
            configPath: config, suite: suite, selected: selected, sharding: sharding,
            options: SuiteRunOptions(
                updateBaselines: updateBaselines, failFast: failFast, jobs: jobs, ratchet: ratchet),
            artifacts: artifacts, junit: junit, jsonOutput: jsonOutput, markdown: markdown,
            exports: export?.formats ?? []
        ).run()
    }
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Numbers progress lines by target as they finish (all cases of a pytest target share its number).
final class ProgressCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var numbers: [String: Int] = [:]
    let total: Int
    init(total: Int) { self.total = total }
    func index(of target: String) -> Int {
        lock.lock()
        defer { lock.unlock() }
        if let known = numbers[target] { return known }
        numbers[target] = numbers.count + 1
        return numbers.count
    }
}
