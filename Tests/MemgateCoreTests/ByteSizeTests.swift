import Testing

@testable import MemgateCore

/// `ByteSize` follows pytest-memray: KB/MB/GB/TB are powers of 1024, as are KiB/MiB/GiB/TiB.
struct ByteSizeTests {
    @Test(
        arguments: [
            ("100 KB", 102_400),
            ("1.5MB", 1_572_864),
            ("512", 512),
            ("0 B", 0),
            ("1 kb", 1024),
            ("100KB", 102_400),
            ("100   KB", 102_400),
            (" 7 gib ", 7_516_192_768),
            ("2 KiB", 2048),
            ("1 MiB", 1_048_576),
            ("1 GB", 1_073_741_824),
            ("1 TiB", 1_099_511_627_776),
            ("1 tb", 1_099_511_627_776),
            ("0.5 B", 0),
            ("1.5 b", 1),
            ("0.1 KB", 102),
            ("0.001 MB", 1048),
            ("8388607 TB", 9_223_370_937_343_148_032),
        ] as [(String, Int64)])
    func parsesSizesInPowersOf1024(text: String, bytes: Int64) throws {
        #expect(try ByteSize.parse(text) == bytes)
    }

    @Test(arguments: [
        ("", ByteSizeError.malformed(text: "")),
        ("   ", .malformed(text: "   ")),
        ("-1 KB", .malformed(text: "-1 KB")),
        ("100 KQ", .unknownUnit(text: "100 KQ", unit: "KQ")),
        ("5 kilobytes", .unknownUnit(text: "5 kilobytes", unit: "kilobytes")),
        ("1e3 KB", .malformed(text: "1e3 KB")),
        ("NaN", .malformed(text: "NaN")),
        ("nan KB", .malformed(text: "nan KB")),
        ("KB", .malformed(text: "KB")),
        (".5 KB", .malformed(text: ".5 KB")),
        ("1. KB", .malformed(text: "1. KB")),
        ("1.5.5 KB", .malformed(text: "1.5.5 KB")),
        ("1,5 MB", .malformed(text: "1,5 MB")),
        ("8388608 TB", .tooLarge(text: "8388608 TB")),
        ("99999999999999999999", .tooLarge(text: "99999999999999999999")),
    ])
    func rejectsInvalidSizes(text: String, expected: ByteSizeError) {
        #expect(throws: expected) { try ByteSize.parse(text) }
    }

    @Test func errorDescriptionNamesTheTextAndListsTheUnits() {
        #expect(
            ByteSizeError.unknownUnit(text: "100 KQ", unit: "KQ").description
                == "invalid size \"100 KQ\": unknown unit \"KQ\"; expected a size such as \"100 KB\" or "
                + "\"1.5 MiB\" (units: B, KB, MB, GB, TB, KiB, MiB, GiB, TiB; a bare number is bytes)")
        #expect(ByteSizeError.malformed(text: "-1 KB").description.hasPrefix("invalid size \"-1 KB\"; expected"))
        #expect(ByteSizeError.tooLarge(text: "9 EB").problem == "size \"9 EB\" is too large")
    }

    @Test(
        arguments: [
            (0, "0 B"),
            (512, "512 B"),
            (1023, "1023 B"),
            (1024, "1.0 KiB"),
            (1536, "1.5 KiB"),
            (102_400, "100.0 KiB"),
            (1_048_575, "1.0 MiB"),
            (126_000_000, "120.2 MiB"),
            (1_073_741_824, "1.0 GiB"),
            (3_298_534_883_328, "3.0 TiB"),
            (Int64.max, "8388608.0 TiB"),
            (-5, "-5 B"),
            (-2048, "-2.0 KiB"),
            (Int64.min, "-8388608.0 TiB"),
        ] as [(Int64, String)])
    func formatsWithOneDecimalAboveOneKiB(bytes: Int64, text: String) {
        #expect(ByteSize.format(bytes) == text)
    }

    @Test(arguments: [0, 1, 1024, 102_400, 1_572_864] as [Int64])
    func formattedKiBAndMiBReadBack(bytes: Int64) throws {
        let text = ByteSize.format(bytes)
        #expect(try ByteSize.parse(text) == bytes)
    }
}
