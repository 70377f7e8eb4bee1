import Foundation
import Testing

/// Interrupting `memgate run` stops the target it started and keeps the cases already done.
@Suite struct InterruptTests {
    @Test("SIGTERM stops the running target, exits 143 and keeps finished cases in results.partial.jsonl")
    func interruptKeepsFinishedCases() throws {
        let workspace = try Workspace("interrupt")
        let marker = workspace.path("still-running")
        _ = try workspace.write(
            """
            version: 1
            baselines: Baselines
            targets:
              - name: quick
                command: ["/bin/true"]
              - name: sleeper
                command: ["/bin/sh", "-c", "sleep 20; touch \(marker.path)"]
            """, to: "memgate.yml")
        let process = Process()
        process.executableURL = try RepositoryLayout.memgateBinary()
        process.arguments = [
            "run", "--config", workspace.path("memgate.yml").path,
            "--artifacts", workspace.path("artifacts").path,
        ]
        process.environment = try Memgate.childEnvironment()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let partial = workspace.path("artifacts/results.partial.jsonl")
        let deadline = Date().addingTimeInterval(15)
        while !FileManager.default.fileExists(atPath: partial.path) && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
        Thread.sleep(forTimeInterval: 0.5)  // the sleeper has started by now
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationStatus == 143)
        let lines = try String(contentsOf: partial, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 1)
        #expect(lines.first?.contains("\"name\":\"quick\"") == true)
        // The sleeper's process group was killed: it never gets to touch its marker.
        Thread.sleep(forTimeInterval: 1)
        #expect(!FileManager.default.fileExists(atPath: marker.path))
        #expect(!FileManager.default.fileExists(atPath: workspace.path("artifacts/junit.xml").path))
    }
}
