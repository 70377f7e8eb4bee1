import Foundation
import Testing

@testable import MemgateRuntime

@Suite struct TargetLauncherTests {
    /// Foundation's `Process` leaked a socket into targets (and so into their daemons, which kept
    /// memgate waiting); a target now starts with stdin, stdout and stderr only.
    @Test func targetInheritsOnlyStandardDescriptors() throws {
        let outcome = try TargetLauncher.run(
            LaunchRequest(
                // The glob's own directory descriptor is closed again before readlink runs.
                arguments: ["/bin/sh", "-c", "for f in /proc/$$/fd/*; do readlink $f && echo ${f##*/}; done; true"],
                environment: ["PATH": "/usr/bin:/bin"]))
        #expect(outcome.processEnd == .exited(code: 0))
        let lines = outcome.outputTail.split(separator: "\n")
        #expect(lines.count == 6 && lines[0] == "/dev/null", "\(outcome.outputTail)")
        #expect(stride(from: 1, to: lines.count, by: 2).map { lines[$0] } == ["0", "1", "2"], "\(outcome.outputTail)")
    }

    @Test func signalsIgnoredByMemgateAreDefaultInTheTarget() throws {
        signal(SIGUSR1, SIG_IGN)
        defer { signal(SIGUSR1, SIG_DFL) }
        let outcome = try TargetLauncher.run(
            LaunchRequest(arguments: ["/bin/sh", "-c", "kill -USR1 $$; sleep 1"], environment: [:]))
        #expect(outcome.processEnd == .signalled(signal: SIGUSR1))
    }

    @Test func aProgramThatCannotStartIsALaunchError() {
        #expect(throws: LaunchError.self) {
            try TargetLauncher.run(LaunchRequest(arguments: ["/nonexistent/program"], environment: [:]))
        }
        #expect(throws: LaunchError.self) {
            try TargetLauncher.run(
                LaunchRequest(
                    arguments: ["/bin/true"], environment: [:],
                    workingDirectory: URL(fileURLWithPath: "/nonexistent-directory")))
        }
    }

    @Test func aTimeoutKillsTheGroupAndIsReported() throws {
        let outcome = try TargetLauncher.run(
            LaunchRequest(arguments: ["/bin/sh", "-c", "sleep 30"], environment: [:], timeoutSeconds: 0.5))
        #expect(outcome.processEnd == .timedOut(afterSeconds: 0.5))
        #expect(outcome.durationSeconds < 3)
    }
}
