import Foundation
import MemgateCore

/// Options of one `memgate run`.
public struct SuiteRunOptions: Sendable {
    public var updateBaselines: Bool
    public var failFast: Bool
    /// Targets run concurrently (measurements count requested bytes, so they do not disturb each other).
    public var jobs: Int
    /// `--ratchet`: every target's stale baseline fails, whatever its `ratchet:` says.
    public var ratchet: Bool
    /// `memgate accept`: every case's measurement becomes its baseline, with this reason recorded.
    public var acceptance: AcceptanceRequest?

    public init(
        updateBaselines: Bool = false, failFast: Bool = false, jobs: Int = 1, ratchet: Bool = false,
        acceptance: AcceptanceRequest? = nil
    ) {
        self.updateBaselines = updateBaselines
        self.acceptance = acceptance
        self.ratchet = ratchet
        self.failFast = failFast
        self.jobs = max(1, jobs)
    }
}

/// A finished case plus what `--update-baselines` changed for it.
public struct CaseReport: Sendable {
    public var result: CaseResult
    public var baselineChanges: [String]
}

/// Problems that are not a target's verdict: memgate could not run it (exit 3) or a committed
/// baseline file is invalid (exit 2).
public struct SuiteProblems: Sendable {
    public var internalErrors: [String] = []
    public var inputErrors: [String] = []
}

/// Runs targets, gates each case against budgets and baselines, and updates baselines on request.
public final class SuiteRunner: @unchecked Sendable {
    let config: SuiteConfig
    let trackerPath: String
    let environment: [String: String]
    let options: SuiteRunOptions
    let store: BaselineStore
    /// Every selected target's baselines, validated before anything ran.
    let baselines: LoadedBaselines
    let symbolizer = NativeSymbolizer()
    let lock = NSLock()
    private var problems = SuiteProblems()
    private var stopRequested = false

    /// The repository root as memgate sees it: the directory holding the baselines directory.
    var sourceRoot: String {
        URL(fileURLWithPath: config.baselinesDirectory).deletingLastPathComponent().standardizedFileURL.path
    }

    /// - Parameter baselines: from `loadBaselines(config:targets:)`, so that invalid baselines
    ///   stop the run before it starts.
    public init(
        config: SuiteConfig, trackerPath: String, environment: [String: String], options: SuiteRunOptions,
        baselines: LoadedBaselines
    ) {
        self.config = config
        self.trackerPath = trackerPath
        self.environment = environment
        self.options = options
        self.store = baselines.store
        self.baselines = baselines
    }

    /// Reads and validates every baseline of `targets` (before anything runs).
    public static func loadBaselines(config: SuiteConfig, targets: [TargetConfig]) throws -> LoadedBaselines {
        try BaselineStore(directory: URL(fileURLWithPath: config.baselinesDirectory)).loadAll(
            targets: targets.map(\.name))
    }

    /// Runs `targets` and calls `onCase` (serialized) as each case finishes; returns cases in config order.
    public func run(targets: [TargetConfig], onCase: @escaping @Sendable (CaseReport) -> Void) -> (
        [CaseReport], SuiteProblems
    ) {
        let results = ResultSlots(count: targets.count)
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = options.jobs
        for (index, target) in targets.enumerated() {
            queue.addOperation { [self] in
                let reports = shouldStop ? [notRun(target)] : runTarget(target)
                lock.lock()
                results.slots[index] = reports
                for report in reports { onCase(report) }
                if options.failFast && reports.contains(where: { $0.result.status == .failed }) { stopRequested = true }
                lock.unlock()
            }
        }
        queue.waitUntilAllOperationsAreFinished()
        return (results.slots.flatMap { $0 }, problems)
    }

    private var shouldStop: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopRequested
    }

    private func notRun(_ target: TargetConfig) -> CaseReport {
        CaseReport(
            result: CaseResult(
                target: target.name, name: target.name, status: .skipped,
                outputTail: "not run: --fail-fast stopped the suite after a failure"),
            baselineChanges: [])
    }

    private func record(internalError message: String) {
        lock.lock()
        problems.internalErrors.append(message)
        lock.unlock()
    }

    func reportInputError(_ message: String) {
        lock.lock()
        problems.inputErrors.append(message)
        lock.unlock()
    }

    func runTarget(_ target: TargetConfig) -> [CaseReport] {
        let execution = TargetExecution(
            target: target, configDirectory: URL(fileURLWithPath: config.configDirectory),
            trackerPath: trackerPath, baseEnvironment: environment, symbolizer: symbolizer,
            sourceRoot: sourceRoot)
        // Asked while the target runs: the probe starts the interpreter once more (10-20 ms),
        // which after the run would add to memgate's wall time.
        let environment = self.environment
        let interpreter = execution.runsPython ? execution.interpreter : nil
        let fingerprint = Background {
            EnvironmentProbe.fingerprint(interpreter: interpreter, environment: environment)
        }
        var runs: [[MeasuredCase]] = []
        for _ in 0..<target.repeatCount {
            do {
                runs.append(try execution.runOnce())
            } catch {
                record(internalError: "\(target.name): \(error)")
                let verdict = Verdict.decide(CaseEvidence(caseName: target.name, launchFailure: "\(error)"))
                let failed = CaseResult(
                    target: target.name, name: target.name, status: verdict.status, findings: verdict.findings)
                return [CaseReport(result: failed, baselineChanges: [])]
            }
        }
        let environmentFingerprint = fingerprint.value
        return medianCases(runs).map { chosen in
            let baseline = try? baselines.baseline(
                target: target.name, caseName: chosen.chosen.test != nil ? chosen.chosen.name : nil)
            return gate(
                chosen.chosen, peaks: chosen.peaks, target: target, environment: environmentFingerprint,
                baseline: baseline)
        }
    }

    /// Groups cases by name across repetitions and keeps the median run of each (see `Repeats`).
    func medianCases(_ runs: [[MeasuredCase]]) -> [(chosen: MeasuredCase, peaks: [Int64])] {
        var order: [String] = []
        var byName: [String: [MeasuredCase]] = [:]
        for run in runs {
            for measured in run {
                if byName[measured.name] == nil { order.append(measured.name) }
                byName[measured.name, default: []].append(measured)
            }
        }
        return order.map { name in
            let candidates = byName[name] ?? []
            let peaks = candidates.map { $0.profile?.peakBytes ?? 0 }
            return (candidates[Repeats.medianIndex(peaks: peaks)], candidates.count > 1 ? peaks : [])
        }
    }
}

/// Per-target result slots, written under the runner's lock.
final class ResultSlots: @unchecked Sendable {
    var slots: [[CaseReport]]
    init(count: Int) { slots = Array(repeating: [], count: count) }
}
