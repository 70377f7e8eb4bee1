import Foundation
import MemgateCore
import Testing

@testable import MemgateReports

@Suite struct JSONResultsTests {
    @Test func roundTripsToEqualSuites() throws {
        let suites = [ReportFixtures.mixedSuite, ReportFixtures.secondSuite]
        #expect(try JSONResults.decode(JSONResults.render(suites)) == suites)
    }

    /// A large results file is encoded case by case side by side and spliced together; its
    /// bytes are those one encoder gives the whole document, for every kind of case, for suites
    /// with and without cases and with and without shard information.
    @Test func largeDocumentsAreTheBytesOfOneEncoder() throws {
        let kinds = [
            ReportFixtures.passing, ReportFixtures.failing, ReportFixtures.skipped, ReportFixtures.passingWithNotice,
            ReportFixtures.hostile,
        ]
        var cases: [CaseResult] = []
        for index in 0..<700 {
            var item = kinds[index % kinds.count]
            item.name += "-\(index)"
            if index % 3 == 0 { item.residentTimeline = [TimelineSample(timeNanoseconds: 5, liveBytes: 4096)] }
            cases.append(item)
        }
        var sharded = SuiteResult(name: "memgate", cases: Array(cases[300...]), durationSeconds: 2)
        sharded.shard = ShardInfo(
            shard: ShardSpec(index: 1, count: 2), suiteDigest: "0123456789abcdef", targets: ["a", "b"],
            casePositions: Array(0..<400))
        let suites = [
            SuiteResult(name: "first", cases: Array(cases[..<300]), durationSeconds: 1),
            SuiteResult(name: "empty", cases: [], durationSeconds: 0), sharded,
        ]
        let spliced = try JSONResults.render(suites)
        #expect(spliced == (try JSONResults.renderWhole(suites)))
        #expect(spliced.count > 100_000)
    }

    @Test func topLevelIsVersionedSortedAndPretty() throws {
        let data = try JSONResults.render([SuiteResult(name: "memgate", cases: [], durationSeconds: 1.5)])
        #expect(
            String(decoding: data, as: UTF8.self) == """
                {
                  "formatVersion" : 2,
                  "suites" : [
                    {
                      "cases" : [

                      ],
                      "durationSeconds" : 1.5,
                      "formatVersion" : 2,
                      "name" : "memgate"
                    }
                  ]
                }

                """
        )
    }

    @Test func renderingIsDeterministic() throws {
        let suites = [ReportFixtures.mixedSuite]
        #expect(try JSONResults.render(suites) == JSONResults.render(suites))
    }

    @Test func acceptsABareArrayOfSuites() throws {
        let encoder = JSONEncoder()
        let data = try encoder.encode([ReportFixtures.secondSuite])
        #expect(try JSONResults.decode(data) == [ReportFixtures.secondSuite])
    }

    @Test func rejectsANewerFormatVersion() throws {
        let text = #"{"formatVersion": 3, "suites": []}"#
        #expect(throws: DecodingError.self) { try JSONResults.decode(Data(text.utf8)) }
    }

    @Test func mergingShardsConcatenatesCasesPerSuite() {
        let shardA = SuiteResult(name: "memgate", cases: [ReportFixtures.passing], durationSeconds: 2)
        let shardB = SuiteResult(
            name: "memgate", cases: [ReportFixtures.failing, ReportFixtures.skipped], durationSeconds: 3)
        let other = SuiteResult(name: "nightly", cases: [ReportFixtures.passingWithNotice], durationSeconds: 1)
        let merged = JSONResults.merge([shardA, other, shardB])
        #expect(merged.map(\.name) == ["memgate", "nightly"])
        #expect(merged[0].cases == [ReportFixtures.passing, ReportFixtures.failing, ReportFixtures.skipped])
        #expect(merged[0].durationSeconds == 3)
        #expect(merged[1] == other)
    }

    @Test func nonFiniteDurationThrowsInsteadOfWritingInvalidJSON() {
        #expect(throws: EncodingError.self) { try JSONResults.render([ReportFixtures.hostileSuite]) }
    }
}
