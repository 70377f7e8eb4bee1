import Foundation
import MemgateCore
import MemgateReports
import Testing

/// `memgate merge` links the flamegraph pages and profile exports shards already wrote instead of
/// rendering them again; a case the merge changes (an environment notice) gets a fresh page, and
/// a path that leaves the shard's directory is never followed.
@Suite struct MergeReuseTests {
    static let environments = [
        EnvironmentFingerprint(python: "3.11.7", libc: "glibc 2.36", arch: "x86_64"),
        EnvironmentFingerprint(python: "3.11.7", libc: "glibc 2.41", arch: "x86_64"),
    ]

    /// Shard `index` of 2 with three measured pytest cases, each with the page and pprof export a
    /// run writes (marked so the test can tell them from rendered ones); case 2 of shard 1 names
    /// a page outside the shard.
    static func writeShard(_ index: Int, in workspace: Workspace) throws {
        var results: [CaseResult] = []
        for number in 0..<3 {
            let global = (index - 1) * 3 + number
            var result = CaseResult(
                target: "tests", name: "tests/test_many.py::test_case[\(global)]", status: .passed,
                profile: Profile(
                    regionName: "test_case", peakBytes: 1024, totalBytes: 1024, allocationCount: 1,
                    bytesAtEnd: 0),
                durationSeconds: 0.01, environment: environments[index - 1])
            let page = ReportFormat.flamegraphPath(of: result)
            result.flamegraphPath = index == 1 && number == 2 ? "../outside.html" : page
            try workspace.write("shard page of case \(global)", to: "shard-\(index)/\(page)")
            try workspace.write(
                "shard pprof of case \(global)", to: "shard-\(index)/\(ProfileExport.pprof.path(of: result))")
            results.append(result)
        }
        try workspace.write("not a page of any shard", to: "outside.html")
        var suite = SuiteResult(name: "memgate", cases: results, durationSeconds: 1)
        suite.shard = ShardInfo(
            shard: ShardSpec(index: index, count: 2), suiteDigest: "0123456789abcdef", targets: ["tests"],
            casePositions: (0..<3).map { (index - 1) * 3 + $0 })
        try workspace.write(
            String(decoding: try JSONResults.render([suite]), as: UTF8.self), to: "shard-\(index)/results.json")
    }

    static func inode(_ url: URL) -> UInt64 {
        var status = stat()
        return stat(url.path, &status) == 0 ? UInt64(status.st_ino) : 0
    }

    @Test func theShardsPagesAndExportsAreLinkedNotRenderedAgain() throws {
        let workspace = try Workspace("merge-reuse")
        for index in 1...2 { try Self.writeShard(index, in: workspace) }
        let merge = try Memgate.run(
            ["merge", "shard-1", "shard-2", "--expect", "2", "--artifacts", "merged"], in: workspace.url)
        #expect(merge.exitCode == Memgate.Exit.passed, "\(merge.standardError)")
        let merged = try Memgate.suite(at: workspace.path("merged/results.json"))
        #expect(merged.cases.count == 6)
        let index = try String(contentsOf: workspace.path("merged/index.html"), encoding: .utf8)
        for (number, item) in merged.cases.enumerated() {
            let page = try #require(item.flamegraphPath)
            #expect(page == ReportFormat.flamegraphPath(of: item))
            // The index escapes `/` in attribute values as `&#47;`.
            let href = "./\(page)".replacingOccurrences(of: "/", with: "&#47;")
            #expect(index.contains("href=\"\(href)\""), "\(page)")
            let text = try String(contentsOf: workspace.path("merged/\(page)"), encoding: .utf8)
            let pprof = ProfileExport.pprof.path(of: item)
            // Exports depend on the profile alone: every one is the shard's own file.
            #expect(
                try String(contentsOf: workspace.path("merged/\(pprof)"), encoding: .utf8)
                    == "shard pprof of case \(number)")
            if number < 2 {
                // Shard 1's own pages, the same file (a hard link on one file system).
                #expect(text == "shard page of case \(number)")
                #expect(Self.inode(workspace.path("merged/\(page)")) == Self.inode(workspace.path("shard-1/\(page)")))
            } else {
                // Case 2 named a page outside its shard; shard 2's cases carry the merge's
                // environment notice: all rendered.
                #expect(text.hasPrefix("<!DOCTYPE html>"), "\(page)")
                #expect(!text.contains("not a page of any shard"))
            }
        }
        #expect(merged.cases[3].findings.map(\.kind) == [.environmentMismatch])
        // Cases the merge left as they were are copied from the shards' results.json, the others
        // encoded: the file is byte for byte what encoding the merged suite gives.
        let written = try Data(contentsOf: workspace.path("merged/results.json"))
        #expect(written == (try JSONResults.render([merged])))
    }
}
