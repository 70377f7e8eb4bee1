import Foundation
import MemgateCore

/// Runs one configured target once under the tracker and reads back its captures.
public struct TargetExecution: Sendable {
    public var target: TargetConfig
    public var configDirectory: URL
    public var trackerPath: String
    public var baseEnvironment: [String: String]
    public var symbolizer: NativeSymbolizer
    /// Source files under this directory are recorded relative to it (checkout-independent sites).
    public var sourceRoot: String?

    public init(
        target: TargetConfig, configDirectory: URL, trackerPath: String,
        baseEnvironment: [String: String], symbolizer: NativeSymbolizer = NativeSymbolizer(),
        sourceRoot: String? = nil
    ) {
        self.sourceRoot = sourceRoot
        self.target = target
        self.configDirectory = configDirectory
        self.trackerPath = trackerPath
        self.baseEnvironment = baseEnvironment
        self.symbolizer = symbolizer
    }

    /// The interpreter for Python and pytest targets: `interpreter:` (relative to the config
    /// directory when it contains a slash) or `python3` on PATH, so an activated venv wins.
    /// Whether the target runs Python (a script or pytest) rather than a native command.
    public var runsPython: Bool {
        if case .command = target.kind { return false }
        return true
    }

    public var interpreter: String {
        guard let configured = target.interpreter else { return "python3" }
        if configured.contains("/") && !configured.hasPrefix("/") {
            return configDirectory.appendingPathComponent(configured).standardizedFileURL.path
        }
        return configured
    }

    func trackedCommand(reportPath: String) -> TrackedCommand {
        let program: TrackedCommand.Program
        switch target.kind {
        case .command(let argv):
            program = .native(arguments: argv)
        case .python(let script, let call):
            program = .python(interpreter: interpreter, script: resolve(script), call: call, arguments: [])
        case .pytest(let path, let args):
            program = .pytest(
                interpreter: interpreter,
                arguments: [resolve(path), "-q", "-p", "no:cacheprovider", "-p", "no:memray"] + args)
        }
        var environment = target.env
        if case .pytest = target.kind { environment["MEMGATE_PYTEST_REPORT"] = reportPath }
        return TrackedCommand(
            program: program, nativeFrames: !runsPython || target.native,
            ignorePatterns: target.ignore, extraEnvironment: environment, trackChildren: target.trackChildren)
    }

    private var isPytest: Bool {
        if case .pytest = target.kind { return true }
        return false
    }

    private func resolve(_ path: String) -> String {
        path.hasPrefix("/") ? path : configDirectory.appendingPathComponent(path).standardizedFileURL.path
    }

    /// Runs the target once; throws `LaunchError` when it cannot start and `CaptureError`
    /// when a capture it left is unreadable.
    public func runOnce() throws -> [MeasuredCase] {
        let scratch = CaptureDirectory.parent(manyCaptures: isPytest, environment: ProcessInfo.processInfo.environment)
            .appendingPathComponent("memgate-\(target.name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        RunningTargets.shared.addScratch(scratch)
        defer {
            try? FileManager.default.removeItem(at: scratch)
            RunningTargets.shared.removeScratch(scratch)
        }
        let capture = scratch.appendingPathComponent("capture.mgc")
        let report = scratch.appendingPathComponent("pytest-report.jsonl")
        let command = trackedCommand(reportPath: report.path)
        let workingDirectory = target.cwd.map { URL(fileURLWithPath: $0) } ?? configDirectory
        let rules = target.suppressionRules
        let sourceRoot = sourceRoot
        let prefetch =
            isPytest
            ? PytestCapturePrefetch(basePath: capture, symbolizer: symbolizer) {
                Self.relativized($0, rules: rules, sourceRoot: sourceRoot)
            } : nil
        prefetch?.start()
        let launched = Result {
            try TargetLauncher.run(
                LaunchRequest(
                    arguments: command.arguments(),
                    environment: command.environment(
                        base: baseEnvironment, trackerPath: trackerPath, capturePath: capture.path),
                    workingDirectory: workingDirectory, timeoutSeconds: target.timeoutSeconds,
                    memoryLimitBytes: target.outOfMemoryLimitBytes))
        }
        if isPytest, case .success(let outcome) = launched {
            // The captures the prefetch never reads are read while it stops (it may be asleep
            // between two looks, or reading one): the target has ended, so they are final.
            let capturePaths = CaptureSet.allPaths(basePath: capture)
            let unread = Self.neverPrefetched(capturePaths, basePath: capture)
            let symbolizer = symbolizer
            let early = Background { () -> EarlyCaptures? in
                guard let trees = try? CaptureSet.decodeTrees(paths: unread) else { return nil }
                // Native addresses wait for the one llvm-symbolizer run over every capture.
                if trees.contains(where: \.hasNativeAddresses) { return .decoded(trees) }
                let profiles = CaptureSet.profiles(of: trees, symbolizer: symbolizer)
                return .profiles(
                    Dictionary(
                        uniqueKeysWithValues: zip(
                            unread, profiles.map { Self.relativized($0, rules: rules, sourceRoot: sourceRoot) })))
            }
            let prefetched = prefetch?.profiles() ?? [:]
            return try pytestCases(
                capturePaths: capturePaths, prefetched: prefetched, early: early.value, reportPath: report,
                outcome: outcome)
        }
        let prefetched = prefetch?.profiles() ?? [:]
        let outcome = try launched.get()
        if isPytest {
            return try pytestCases(
                capturePaths: CaptureSet.allPaths(basePath: capture), prefetched: prefetched, early: nil,
                reportPath: report, outcome: outcome)
        }
        let paths = CaptureSet.paths(basePath: capture).filter { CaptureSet.hasContent($0) }
        var profile = try paths.last.map { path throws(CaptureError) in try load(path, basePath: capture) }
        if let notice = outcome.memoryLimitNotice, var noticed = profile {
            noticed.captureNotices = (noticed.captureNotices ?? []) + [notice]
            profile = noticed
        }
        var measured = MeasuredCase(
            name: target.name, profile: profile.map { named($0) }, processEnd: outcome.processEnd,
            outputTail: outcome.outputTail, durationSeconds: outcome.durationSeconds)
        measured.residentPeakBytes = outcome.residentPeakBytes
        measured.killedOutOfMemory = outcome.killedOutOfMemory
        measured.chargedPeakBytes = outcome.chargedPeakBytes
        if let path = paths.last, let profile {
            measured.residentTimeline = Self.residentTimeline(outcome, capture: path, profile: profile)
        }
        if profile == nil {
            measured.missingCaptureReason = CaptureSet.missingCaptureReason(
                basePath: capture, program: command.arguments().first,
                searchPath: command.environment(base: baseEnvironment, trackerPath: trackerPath, capturePath: "")[
                    "PATH"])
        }
        return [measured]
    }

    /// The resident-memory samples on the timeline of the capture at `path` (its region's start
    /// read from the header), or nil when the header cannot be read.
    static func residentTimeline(_ outcome: LaunchOutcome, capture path: URL, profile: Profile) -> [TimelineSample]? {
        guard let handle = try? FileHandle(forReadingFrom: path) else { return nil }
        defer { try? handle.close() }
        guard let header = try? handle.read(upToCount: 1 << 16),
            let start = CaptureDecoder.regionStartNanoseconds(header: header)
        else { return nil }
        return ResidentMemorySampler.regionSeries(
            outcome.residentSeries, regionStartNanoseconds: start, durationNanoseconds: profile.durationNanoseconds)
    }

    /// The profile of the process tree whose root wrote `path` (its children's captures joined).
    private func load(_ path: URL, basePath: URL) throws(CaptureError) -> Profile {
        relativized(try CaptureSet.treeProfile(path: path, basePath: basePath, symbolizer: symbolizer))
    }

    /// The profile without what `ignore:` and `suppressions:` take out (matched against absolute
    /// file paths, as the tracker matches Python frames), with files under the source root relative.
    private func relativized(_ profile: Profile) -> Profile {
        Self.relativized(profile, rules: target.suppressionRules, sourceRoot: sourceRoot)
    }

    private static func relativized(_ profile: Profile, rules: [SuppressionRule], sourceRoot: String?) -> Profile {
        let suppressed = profile.suppressing(rules)
        guard let sourceRoot else { return suppressed }
        return suppressed.relativizingFiles(to: sourceRoot)
    }

    /// What was read of the captures `PytestCapturePrefetch` never reads while it stopped.
    enum EarlyCaptures: Sendable {
        /// Their profiles, relativized (none had native addresses to name).
        case profiles([URL: Profile])
        /// Decoded only: their native frames are named with every other capture's, in one
        /// llvm-symbolizer run.
        case decoded([CaptureSet.DecodedTree])
    }

    /// Those of a pytest target's `capturePaths` that `PytestCapturePrefetch` never reads: the
    /// last of the main process's (it may still be written while the prefetch looks) and every
    /// xdist worker's.
    static func neverPrefetched(_ capturePaths: [URL], basePath: URL) -> [URL] {
        let mayBePrefetched = Set(CaptureSet.paths(basePath: basePath).dropLast())
        return capturePaths.filter { !mayBePrefetched.contains($0) }
    }

    private func named(_ profile: Profile) -> Profile {
        var copy = profile
        if copy.regionName == "process" { copy.regionName = target.name }
        return copy
    }

    /// - Parameters:
    ///   - prefetched: profiles of captures read while the tests ran, relativized (see
    ///     `PytestCapturePrefetch`).
    ///   - early: captures read while the prefetch stopped; nil when one of them could not be
    ///     read, so that they are read again here and the error is the one the first unreadable
    ///     capture in order gives.
    private func pytestCases(
        capturePaths: [URL], prefetched: [URL: Profile], early: EarlyCaptures?, reportPath: URL,
        outcome: LaunchOutcome
    ) throws -> [MeasuredCase] {
        var earlyProfiles: [URL: Profile] = [:]
        var trees: [URL: CaptureSet.DecodedTree] = [:]
        switch early {
        case .profiles(let profiles): earlyProfiles = profiles
        case .decoded(let decoded): for tree in decoded { trees[tree.path] = tree }
        case nil: break
        }
        let unread = capturePaths.filter { prefetched[$0] == nil && earlyProfiles[$0] == nil }
        for tree in try CaptureSet.decodeTrees(paths: unread.filter { trees[$0] == nil }) { trees[tree.path] = tree }
        var remaining = CaptureSet.profiles(of: unread.compactMap { trees[$0] }, symbolizer: symbolizer)
            .makeIterator()
        // The last capture per region name is the final attempt (reruns make several).
        var profiles: [String: Profile] = [:]
        for path in capturePaths {
            if let profile = prefetched[path] ?? earlyProfiles[path] {
                profiles[profile.regionName] = profile
            } else if let profile = remaining.next() {
                profiles[profile.regionName] = relativized(profile)
            }
        }
        let tests = PytestOutcome.load(path: reportPath)
        var cases: [MeasuredCase] = tests.map { test in
            MeasuredCase(
                name: test.nodeID, profile: profiles[PytestRegionName.of(nodeID: test.nodeID)], processEnd: nil,
                outputTail: test.longRepresentation ?? "", durationSeconds: test.durationSeconds, test: test)
        }
        if Verdict.pytestSessionFails(processEnd: outcome.processEnd, tests: tests) {
            var session = MeasuredCase(
                name: target.name, profile: nil, processEnd: outcome.processEnd,
                outputTail: outcome.outputTail, durationSeconds: outcome.durationSeconds)
            session.residentPeakBytes = outcome.residentPeakBytes
            session.killedOutOfMemory = outcome.killedOutOfMemory
            cases.append(session)
        }
        return cases
    }
}
