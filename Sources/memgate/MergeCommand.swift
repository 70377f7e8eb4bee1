import ArgumentParser
import Foundation
import MemgateCore
import MemgateReports
import MemgateRuntime

/// `memgate merge`: join shard artifact directories into one set of artifacts and one verdict.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join the artifacts of shards (memgate run --shard K/N) into one verdict and one set of artifacts.",
        discussion: """
            Each DIR is a shard's artifacts directory (or its results.json); results.json is the \
            source of truth. The merged junit.xml, results.json, summary.md, index.html and every \
            flamegraph are written to --artifacts, with the cases in the order a single run gives, \
            and memgate exits with the code that single run would have given.

            Refused (exit 2, naming them): a case in two shards, shards of different configurations \
            or target selections, a mix of shards and plain runs, shards split into different \
            numbers, missing shards when --expect N is given, results of different format versions. \
            A case measured on a runner whose environment (libc, arch, python) differs from the \
            first shard's gets an environmentMismatch notice.

            Examples:
              memgate merge shards/*/ --artifacts artifacts --expect 4
              memgate merge shard-1 shard-2 --artifacts merged

            Exit codes: 0 all passed · 1 a case failed · 2 refused or invalid input (or a shard \
            met an invalid baseline) · 3 a shard could not run a target.
            """
    )

    @Argument(help: "Shard artifact directories (or results.json files).")
    var shards: [String]

    @Option(help: "Directory for the merged junit.xml, results.json, summary.md, index.html and flamegraphs/.")
    var artifacts: String?

    @Option(help: "Number of shards there must be; a missing one is refused.")
    var expect: Int?

    @Option(help: "Write the merged Markdown summary here (default: $GITHUB_STEP_SUMMARY when set, appended).")
    var markdown: String?

    func validate() throws {
        guard !shards.isEmpty else { throw ValidationError("give at least one shard directory") }
        if let expect, expect < 1 { throw ValidationError("--expect must be at least 1, got \(expect)") }
    }

    func run() throws {
        // Decoding dominates a large merge; shards decode side by side.
        let reads = try ConcurrentWrites.map(shards, readShard)
        let inputs = reads.map(\.input)
        var outcome: ShardMerge.Outcome
        do {
            outcome = try ShardMerge.merge(inputs, expectedShards: expect)
        } catch {
            throw MemgateFailure(description: "merge: \(error)", code: ExitStatus.usage)
        }
        var result = outcome.suite
        // The cases held once, so setting their pages below changes them in place.
        outcome.suite.cases = []
        let environment = ProcessInfo.processInfo.environment
        var writer = ArtifactWriter(
            artifactsDirectory: artifacts, junitPath: nil, jsonPath: nil,
            markdownPath: markdown ?? environment["GITHUB_STEP_SUMMARY"])
        if artifacts != nil {
            // What the shards rendered is linked, not rendered again (see ShardFiles).
            try Self.assignFlamegraphPaths(&result)
            writer.flamegraphPathsAssigned = true
            let files = ShardFiles(
                inputs: inputs, directories: shards.map(Self.artifactsDirectory), caseJSON: reads.map(\.caseJSON))
            writer.reusedFiles = try files.reusable(in: result)
            writer.writtenCaseJSON = files.caseJSON(in: result)
            try files.completeCases(in: &result, reused: writer.reusedFiles, written: writer.writtenCaseJSON)
        }
        try writer.write(result)
        let style = ConsoleStyle.detect(environment: environment, isTTY: isatty(STDOUT_FILENO) == 1)
        print("memgate: merged \(inputs.count) shard(s), \(result.cases.count) case(s)")
        print(ConsoleReport.table(Self.console(result), style: style))
        for message in outcome.internalErrors { printError("memgate: could not run: \(message)") }
        for message in outcome.inputErrors { printError("memgate: \(message)") }
        var code = ExitStatus.passed
        if result.failedCount > 0 { code = ExitStatus.gateFailed }
        if !outcome.internalErrors.isEmpty { code = ExitStatus.internalFailure }
        if !outcome.inputErrors.isEmpty { code = ExitStatus.usage }
        // Everything is written: ending here spares releasing every decoded case one by one
        // (half a second of a 50 000-case merge) only for the process to end anyway.
        fflush(nil)
        Foundation.exit(code)
    }

    /// Gives every measured case its page's path as ``ReportFormat/assigningFlamegraphPaths(_:)``
    /// does, naming the pages side by side (each pytest page's name hashes the node id) and
    /// setting them in place (that function copies every case of a suite shared with its caller).
    static func assignFlamegraphPaths(_ suite: inout SuiteResult) throws {
        let cases = suite.cases
        let paths = try ConcurrentWrites.map(ConcurrentWrites.chunks(of: cases.indices)) { range in
            range.map { cases[$0].profile == nil ? nil : ReportFormat.flamegraphPath(of: cases[$0]) }
        }
        for (index, path) in zip(suite.cases.indices, paths.joined()) where path != nil {
            suite.cases[index].flamegraphPath = path
        }
    }

    /// The cases for the console table: all of them for a small suite; for a large one only the
    /// cases that did not pass (the counts line then counts the shown cases only, so it is
    /// preceded by the full counts).
    static func console(_ suite: SuiteResult) -> SuiteResult {
        guard suite.cases.count > 200 else { return suite }
        print("\(suite.passedCount) passed, \(suite.failedCount) failed, \(suite.skippedCount) skipped; not passed:")
        var shown = suite
        shown.cases = suite.cases.filter { $0.status != .passed }
        return shown
    }

    /// The shard's artifacts directory: `path` itself, or the directory of a results file.
    static func artifactsDirectory(_ path: String) -> URL {
        var isDirectory: ObjCBool = false
        let url = URL(fileURLWithPath: path)
        _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        return isDirectory.boolValue ? url : url.deletingLastPathComponent()
    }

    /// Reads `DIR/results.json` (or the file itself).
    /// One shard as read: its results, and each case's bytes in its results.json when laid out
    /// as memgate writes it (they go into the merged results.json as they are).
    private struct ShardRead: Sendable {
        var input: ShardMerge.Input
        var caseJSON: [ArraySlice<UInt8>]?
    }

    private func readShard(_ path: String) throws -> ShardRead {
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        let file = isDirectory.boolValue ? URL(fileURLWithPath: path).appendingPathComponent("results.json").path : path
        guard exists else {
            throw MemgateFailure(
                description: "merge: \(path): no such directory or results file", code: ExitStatus.usage)
        }
        guard FileManager.default.fileExists(atPath: file) else {
            throw MemgateFailure(description: "merge: \(file): no such results file", code: ExitStatus.usage)
        }
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: file))
            // A file laid out as memgate writes it is decoded without what only pages show, since
            // each case's bytes stand in for it; any other is decoded whole (and so are its errors).
            if let suites = Self.decodeForMerge(data),
                let caseJSON = JSONResults.caseBytes(in: data, caseCount: suites.reduce(0) { $0 + $1.cases.count })
            {
                return ShardRead(input: ShardMerge.Input(source: path, suites: suites), caseJSON: caseJSON)
            }
            let suites = try Self.decode(data)
            let caseCount = suites.reduce(0) { $0 + $1.cases.count }
            return ShardRead(
                input: ShardMerge.Input(source: path, suites: suites),
                caseJSON: JSONResults.caseBytes(in: data, caseCount: caseCount))
        } catch {
            throw MemgateFailure(description: "merge: \(file): \(error)", code: ExitStatus.usage)
        }
    }

    /// The suites of a results document of this format version, decoded as
    /// ``ShardResultsDecoding/decodeForMerge(_:)`` decodes them; nil for anything else.
    static func decodeForMerge(_ data: Data) -> [SuiteResult]? {
        guard data.first(where: { !" \t\r\n".utf8.contains($0) }) == UInt8(ascii: "{"),
            let document = try? ShardResultsDecoding.decodeForMerge(data),
            ([document.formatVersion] + document.suites.map(\.formatVersion)).max() ?? 0 <= JSONResults.formatVersion
        else { return nil }
        return document.suites
    }

    /// A results document as `memgate run` writes it, decoded in one pass (`JSONResults.decode`
    /// first tries a bare array of suites, which costs a second parse of a large file).
    private struct Document: Decodable {
        var formatVersion: Int
        var suites: [SuiteResult]
    }

    static func decode(_ data: Data) throws -> [SuiteResult] {
        let first = data.first { !" \t\r\n".utf8.contains($0) }
        guard first == UInt8(ascii: "{") else { return try JSONResults.decode(data) }
        let document = try JSONDecoder().decode(Document.self, from: data)
        let newest = ([document.formatVersion] + document.suites.map(\.formatVersion)).max() ?? 0
        guard newest <= JSONResults.formatVersion else {
            // Let the reader that owns the format explain it.
            return try JSONResults.decode(data)
        }
        return document.suites
    }
}
