import Foundation
import MemgateCore
import Testing

@testable import MemgateReports

/// `memgate merge` decodes shards without what only pages show, and decodes whole the cases it
/// renders or encodes again.
@Suite struct ShardResultsDecodingTests {
    /// A shard's suite whose cases hold every field a case can hold.
    static let shard: SuiteResult = {
        var full = ReportFixtures.failing
        full.residentPeakBytes = 9_000_000
        full.residentTimeline = [
            TimelineSample(timeNanoseconds: 0, liveBytes: 1_000_000),
            TimelineSample(timeNanoseconds: 7, liveBytes: 9_000_000),
        ]
        full.chargedPeakBytes = 12_000_000
        full.profile?.timeline = [TimelineSample(timeNanoseconds: 3, liveBytes: 128_000_000)]
        full.profile?.unmeasuredReason = "interrupted"
        full.profile?.captureNotices = ["capture cut short"]
        var suite = SuiteResult(
            name: "memgate",
            cases: [full, ReportFixtures.passing, ReportFixtures.skipped, ReportFixtures.passingWithNotice],
            durationSeconds: 2.5)
        suite.shard = ShardInfo(
            shard: ShardSpec(index: 1, count: 2), suiteDigest: "0123456789abcdef", targets: ["parser"],
            casePositions: [0, 0, 0, 0])
        return suite
    }()

    @Test func decodesEveryFieldButThosePagesAloneShow() throws {
        let decoded = try ShardResultsDecoding.decodeForMerge(try JSONResults.render([Self.shard]))
        var expected = Self.shard
        for index in expected.cases.indices {
            expected.cases[index].profile?.timeline = []
            expected.cases[index].residentTimeline = nil
            expected.cases[index].processEnd = nil
        }
        #expect(decoded.formatVersion == JSONResults.formatVersion)
        #expect(decoded.suites == [expected])
    }

    @Test func completedCaseIsTheWholeCaseWithTheMergesChanges() throws {
        let data = try JSONResults.render([Self.shard])
        let bytes = try #require(JSONResults.caseBytes(in: data, caseCount: Self.shard.cases.count))
        for (index, whole) in Self.shard.cases.enumerated() {
            var merged = try ShardResultsDecoding.decodeForMerge(data).suites[0].cases[index]
            merged.findings.append(Finding(kind: .environmentMismatch, message: "measured by shard 2/2 elsewhere"))
            merged.flamegraphPath = "flamegraphs/merged-\(index).html"
            var expected = whole
            expected.findings = merged.findings
            expected.flamegraphPath = merged.flamegraphPath
            #expect(try ShardResultsDecoding.completeCase(merged, from: bytes[index]) == expected)
        }
    }
}
