import ArgumentParser
import Foundation
import MemgateCore
import MemgateRuntime

/// The `memgate` command: a memory-regression gate for CI.
@main
struct Memgate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "memgate",
        abstract: "Measure peak memory of targets, compare with committed baselines, fail CI on regressions.",
        discussion: """
            memgate runs each target under its own allocation tracker (LD_PRELOAD), measures the \
            peak of live requested bytes and the allocation sites live at that peak, and gates on \
            budgets and on the baselines committed under Baselines/.

            Examples:
              memgate run                          # the suite in ci/memgate.yml
              memgate run --config ci/exercises/fibonacci-list.yml
              memgate run --update-baselines fibonacci-generator
              memgate accept parser --reason "cache the index: +2 MiB, 10x faster"
              memgate record -o fib.mgc \\
                --python-call "fibonacci_hash_list(33333, 30000, 34567)" \\
                -- ci/targets/fibonacci.py
              memgate report fib.mgc --top 5 --html fib.html
              memgate run --shard 2/4 --artifacts shard-2     # one of 4 CI jobs
              memgate merge shard-*/ --expect 4 --artifacts artifacts

            Exit codes: 0 all passed · 1 a target failed the gate · 2 usage or config error · \
            3 memgate itself could not run (tracker missing, capture unreadable).
            """,
        version: "0.1.0",
        subcommands: [RunCommand.self, AcceptCommand.self, RecordCommand.self, ReportCommand.self, MergeCommand.self]
    )

    /// Parsing errors (unknown options, bad values, `validate()` failures) are usage errors:
    /// ArgumentParser's `exitCode(for:)` tells them from help and version requests, which exit 0.
    /// Errors while running map through `ExitStatus.code(for:)`, by type.
    static func main() {
        StartupWarmUp.start()
        var command: ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            let parserCode = exitCode(for: error)
            if parserCode == .success { exit(withError: error) }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            Foundation.exit(ExitStatus.usage)
        }
        do {
            try command.run()
        } catch let exitCode as ExitCode {
            Foundation.exit(exitCode.rawValue)
        } catch {
            // `--help` and `--version` surface as errors of the help command: ArgumentParser prints them.
            if exitCode(for: error) == .success { exit(withError: error) }
            let code = ExitStatus.code(for: error)
            FileHandle.standardError.write(Data("memgate: \(error)\n".utf8))
            Foundation.exit(code)
        }
    }
}
