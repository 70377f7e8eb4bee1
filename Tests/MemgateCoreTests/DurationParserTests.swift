import Testing

@testable import MemgateCore

/// `DurationParser` reads `timeout` values: ms, s, m, h, or a bare number of seconds.
struct DurationParserTests {
    @Test(
        arguments: [
            ("120s", 120),
            ("2m", 120),
            ("1.5 s", 1.5),
            ("500ms", 0.5),
            ("90", 90),
            ("0.25", 0.25),
            ("1h", 3600),
            ("2M", 120),
            ("250 MS", 0.25),
            (" 3s ", 3),
            ("0.5m", 30),
            ("0s", 0),
        ] as [(String, Double)])
    func parsesDurationsToSeconds(text: String, seconds: Double) throws {
        #expect(try DurationParser.parseSeconds(text) == seconds)
    }

    @Test(arguments: [
        ("", DurationError.malformed(text: "")),
        ("-1s", .malformed(text: "-1s")),
        ("s", .malformed(text: "s")),
        ("1e3s", .malformed(text: "1e3s")),
        ("nan", .malformed(text: "nan")),
        ("inf", .malformed(text: "inf")),
        ("1.s", .malformed(text: "1.s")),
        ("5 minutes", .unknownUnit(text: "5 minutes", unit: "minutes")),
        ("3d", .unknownUnit(text: "3d", unit: "d")),
    ])
    func rejectsInvalidDurations(text: String, expected: DurationError) {
        #expect(throws: expected) { try DurationParser.parseSeconds(text) }
    }

    @Test func errorDescriptionNamesTheTextAndListsTheUnits() {
        #expect(
            DurationError.unknownUnit(text: "3d", unit: "d").description
                == "invalid duration \"3d\": unknown unit \"d\"; expected a duration such as \"120s\", "
                + "\"2m\" or \"500ms\" (units: ms, s, m, h; a bare number is seconds)")
    }
}
