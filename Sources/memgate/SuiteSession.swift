import ArgumentParser
import Foundation
import MemgateCore
import MemgateReports
import MemgateRuntime

/// One gated run of selected targets, shared by `run` and `accept`: validates every input first
/// (so exit 2 means nothing ran or was written), runs the targets with a progress line each,
/// writes the artifacts and turns the outcome into the exit code.
struct SuiteSession {
    /// The config file as given on the command line.
    var configPath: String
    var suite: SuiteConfig
    var selected: [TargetConfig]
    var sharding: ShardSelection?
    var options: SuiteRunOptions
    var artifacts: String?
    var junit: String?
    var jsonOutput: JSONOutputOptions
    var markdown: String?
    /// `--export`: profile formats written per case under `<artifacts>/profiles/`.
    var exports: [ProfileExport] = []

    /// The targets named on the command line (all when none is), or a usage error naming the
    /// unknown one and listing the known ones.
    static func select(_ names: [String], from suite: SuiteConfig, configPath: String) throws -> [TargetConfig] {
        guard !names.isEmpty else { return suite.targets }
        let known = Set(suite.targets.map(\.name))
        for name in names where !known.contains(name) {
            throw MemgateFailure(
                description: "\(configPath): no target named '\(name)'; targets are: "
                    + suite.targets.map(\.name).joined(separator: ", "),
                code: ExitStatus.usage)
        }
        return suite.targets.filter { names.contains($0.name) }
    }

    func run() throws {
        let baselines: LoadedBaselines
        do { baselines = try SuiteRunner.loadBaselines(config: suite, targets: selected) } catch {
            throw MemgateFailure(description: "invalid baseline:\n\(error)", code: ExitStatus.usage)
        }
        let environment = ProcessInfo.processInfo.environment
        let markdownPath = markdown ?? environment["GITHUB_STEP_SUMMARY"]
        try ArtifactWriter.validate(directory: artifacts, files: [junit, jsonOutput.file, markdownPath])
        let tracker: String
        do { tracker = try TrackerLocator.locate() } catch {
            throw MemgateFailure(description: "\(error)", code: ExitStatus.internalFailure)
        }
        RunningTargets.shared.terminateTargetsOnInterrupt()
        let style = ConsoleStyle.detect(environment: environment, isTTY: isatty(STDOUT_FILENO) == 1)
        // With `--json -` the JSON owns standard output; people read the rest on stderr.
        let toStandardError = jsonOutput.toStandardOutput
        let say: @Sendable (String) -> Void = { text in
            if toStandardError { printError(text) } else { print(text) }
        }
        say("memgate: running \(selected.count) target(s) from \(configPath)")
        let counter = ProgressCounter(total: selected.count)
        let start = Date()
        let runner = SuiteRunner(
            config: suite, trackerPath: tracker, environment: environment, options: options, baselines: baselines)
        let writer = ArtifactWriter(
            artifactsDirectory: artifacts, junitPath: junit, jsonPath: jsonOutput.file, markdownPath: markdownPath,
            exports: exports)
        if let artifacts {
            try? FileManager.default.removeItem(atPath: artifacts + "/" + ArtifactWriter.partialResultsName)
        }
        let (reports, problems) = runner.run(targets: selected) { report in
            writer.appendPartial(report.result)
            say(
                ConsoleReport.progressLine(
                    index: counter.index(of: report.result.target), count: counter.total,
                    result: report.result, style: style))
            for change in report.baselineChanges { say("      baseline: \(change)") }
        }
        var result = SuiteResult(
            name: URL(fileURLWithPath: configPath).deletingPathExtension().lastPathComponent,
            cases: reports.map(\.result), durationSeconds: Date().timeIntervalSince(start))
        result.shard = sharding?.record(cases: result.cases, problems: problems)
        UntilExit.keep((reports, result))
        try writer.write(result)
        say("")
        say(ConsoleReport.table(result, style: style))
        if jsonOutput.toStandardOutput { FileHandle.standardOutput.write(try ReportFormat.json.render(result)) }
        for message in problems.internalErrors { printError("memgate: could not run: \(message)") }
        for message in problems.inputErrors { printError("memgate: \(message)") }
        if !problems.inputErrors.isEmpty { throw ExitCode(ExitStatus.usage) }
        if !problems.internalErrors.isEmpty { throw ExitCode(ExitStatus.internalFailure) }
        if result.failedCount > 0 { throw ExitCode(ExitStatus.gateFailed) }
    }
}
