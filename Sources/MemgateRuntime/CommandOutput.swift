import Foundation

/// Runs a helper command to completion and returns its standard output. For short-lived
/// tools memgate itself uses (symbolizer, interpreter queries), not for targets.
enum CommandOutput {
    static func run(_ executable: String, arguments: [String], input: Data? = nil) -> (status: Int32, output: Data)? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let stdout = Pipe()
        let stdin = Pipe()
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        process.standardInput = input == nil ? FileHandle.nullDevice : stdin
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "LD_PRELOAD")
        process.environment = environment
        do { try process.run() } catch { return nil }
        if let input {
            // Feed input from another thread so a full stdout pipe cannot deadlock us.
            let writer = stdin.fileHandleForWriting
            Thread.detachNewThread {
                try? writer.write(contentsOf: input)
                try? writer.close()
            }
        }
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }
}
