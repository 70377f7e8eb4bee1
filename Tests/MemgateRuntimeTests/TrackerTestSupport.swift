import Foundation
import MemgateCore
import MemgateRuntime

/// Something the tracker tests need is missing; the description says how to build it.
struct TrackerTestSetupError: Error, CustomStringConvertible {
    var description: String
}

/// Where the tracker tests find the tracker, the fixture programs and the memgate binary,
/// all relative to the package root (derived from this file's path, not the working directory).
enum TrackerTestPaths {
    /// The package root: three levels above Tests/MemgateRuntimeTests/TrackerTestSupport.swift.
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// libmemgate_tracker.so: `$MEMGATE_TRACKER`, else `.build/tracker/` as `make tracker` writes it.
    static func tracker() throws -> String {
        let environment = ProcessInfo.processInfo.environment
        let path =
            environment["MEMGATE_TRACKER"].flatMap { $0.isEmpty ? nil : $0 }
            ?? packageRoot.appendingPathComponent(".build/tracker/libmemgate_tracker.so").path
        guard FileManager.default.fileExists(atPath: path) else {
            throw TrackerTestSetupError(
                description: "tracker not found at \(path); run `make tracker` or set MEMGATE_TRACKER")
        }
        return path
    }

    /// The tracker built with learned unwind rules compiled out (`make fixtures`), as it is on
    /// architectures without them.
    static func libunwindOnlyTracker() throws -> String {
        try built(".build/tracker/libunwind-only/libmemgate_tracker.so", by: "make fixtures")
    }

    /// The tracker cross-compiled for aarch64 by `make tracker-aarch64`.
    static func aarch64Tracker() throws -> String {
        try built(".build/tracker/aarch64/libmemgate_tracker.so", by: "make tracker-aarch64")
    }

    private static func built(_ relativePath: String, by command: String) throws -> String {
        let path = packageRoot.appendingPathComponent(relativePath).path
        guard FileManager.default.fileExists(atPath: path) else {
            throw TrackerTestSetupError(description: "\(path) not found; run `\(command)`")
        }
        return path
    }

    /// A compiled C fixture in `.build/fixtures/`.
    static func fixture(_ name: String) throws -> String {
        let path = packageRoot.appendingPathComponent(".build/fixtures/\(name)").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw TrackerTestSetupError(description: "fixture \(path) not found; run `make fixtures`")
        }
        return path
    }

    /// A fixture's source file, e.g. `C/exact_peak.c` or `Python/keep_bytearray.py`.
    static func fixtureSource(_ relativePath: String) -> URL {
        packageRoot.appendingPathComponent("Tests/Fixtures/\(relativePath)")
    }

    /// An executable product of this package: `.build/debug/` first (what `make test` builds),
    /// then the `debug/` of any other scratch path (`.build-*`), newest first.
    static func product(_ name: String) throws -> String {
        let manager = FileManager.default
        let preferred = packageRoot.appendingPathComponent(".build/debug/\(name)").path
        if manager.isExecutableFile(atPath: preferred) { return preferred }
        let scratchPaths = ((try? manager.contentsOfDirectory(atPath: packageRoot.path)) ?? [])
            .filter { $0.hasPrefix(".build") && $0 != ".build" }
        let candidates =
            scratchPaths
            .map { packageRoot.appendingPathComponent("\($0)/debug/\(name)").path }
            .filter { manager.isExecutableFile(atPath: $0) }
            .sorted { modificationDate($0) > modificationDate($1) }
        guard let found = candidates.first else {
            throw TrackerTestSetupError(
                description: "\(name) not found under .build*/debug; run `swift build --product \(name)`")
        }
        return found
    }

    /// The Python interpreter for Python fixtures: `$MEMGATE_PYTHON`, else `python3` on PATH.
    static var python: String {
        ProcessInfo.processInfo.environment["MEMGATE_PYTHON"].flatMap { $0.isEmpty ? nil : $0 } ?? "python3"
    }

    private static func modificationDate(_ path: String) -> Date {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        return attributes?[.modificationDate] as? Date ?? .distantPast
    }
}

/// One run of a program under the tracker, launched exactly as memgate launches targets.
struct TrackedRun {
    var outcome: LaunchOutcome
    /// Capture files written, in region order (`capture.mgc`, `capture.mgc.1`, …).
    var capturePaths: [URL]

    /// Runs `program` with the tracker preloaded, writing captures to `directory/capture.mgc`.
    static func record(
        _ program: TrackedCommand.Program, nativeFrames: Bool, in directory: URL, timeoutSeconds: Double = 60
    ) throws -> TrackedRun {
        let command = TrackedCommand(program: program, nativeFrames: nativeFrames)
        let basePath = directory.appendingPathComponent("capture.mgc")
        let environment = command.environment(
            base: ProcessInfo.processInfo.environment, trackerPath: try TrackerTestPaths.tracker(),
            capturePath: basePath.path)
        let outcome = try TargetLauncher.run(
            LaunchRequest(
                arguments: command.arguments(), environment: environment, timeoutSeconds: timeoutSeconds))
        return TrackedRun(outcome: outcome, capturePaths: CaptureSet.paths(basePath: basePath))
    }
}

/// How one `memgate` command-line invocation ended and what it printed (stdout and stderr).
struct MemgateInvocation {
    var processEnd: CaseResult.ProcessEnd
    var output: String

    /// Runs the memgate binary with `arguments`; the tracker, when built, is passed through
    /// MEMGATE_TRACKER (only `memgate record` needs it).
    static func run(_ arguments: [String], timeoutSeconds: Double = 60) throws -> MemgateInvocation {
        var environment = ProcessInfo.processInfo.environment
        environment["MEMGATE_TRACKER"] = try? TrackerTestPaths.tracker()
        let outcome = try TargetLauncher.run(
            LaunchRequest(
                arguments: [try TrackerTestPaths.product("memgate")] + arguments, environment: environment,
                timeoutSeconds: timeoutSeconds))
        return MemgateInvocation(processEnd: outcome.processEnd, output: outcome.outputTail)
    }
}

/// Runs `body` with a fresh temporary directory that is removed afterwards (captures of
/// interrupted runs are sparse files of ~70 MB, so they must not pile up).
func withTemporaryDirectory<Result>(_ body: (URL) throws -> Result) throws -> Result {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("memgate-tracker-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    return try body(directory)
}

/// The 1-based number of the one line of `file` containing `needle`; throws unless exactly one does.
func lineNumber(containing needle: String, in file: URL) throws -> Int {
    let lines = try String(contentsOf: file, encoding: .utf8).components(separatedBy: "\n")
    let matches = lines.indices.filter { lines[$0].contains(needle) }
    guard matches.count == 1 else {
        throw TrackerTestSetupError(
            description: "expected exactly one line containing \"\(needle)\" in \(file.path), found \(matches.count)")
    }
    return matches[0] + 1
}
