import Foundation
import MemgateCore
import Testing

@testable import MemgateReports

@Suite struct JSONResultsTests {
    @Test func roundTripsToEqualSuites() throws {
        let suites = [ReportFixtures.mixedSuite, ReportFixtures.secondSuite]
        #expect(try JSONResults.decode(JSONResults.render(suites)) == suites)
    }

    @Test func topLevelIsVersionedSortedAndPretty() throws {
        let data = try JSONResults.render([SuiteResult(name: "memgate", cases: [], durationSeconds: 1.5)])
        #expect(
            String(decoding: data, as: UTF8.self) == """
                {
                  "formatVersion" : 1,
                  "suites" : [
                    {
                      "cases" : [

                      ],
                      "durationSeconds" : 1.5,
                      "formatVersion" : 1,
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
        let text = #"{"formatVersion": 2, "suites": []}"#
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
