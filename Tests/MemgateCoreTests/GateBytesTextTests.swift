import Testing

@testable import MemgateCore

@Suite struct GateBytesTextTests {
    @Test(
        "bytes print in binary units with one decimal",
        arguments: [
            (Int64(0), "0 B"), (512, "512 B"), (1_023, "1023 B"), (1_024, "1.0 KiB"), (1_536, "1.5 KiB"),
            (4_096, "4.0 KiB"), (102_400, "100.0 KiB"), (1_048_524, "1023.9 KiB"), (1_048_575, "1.0 MiB"),
            (1_048_576, "1.0 MiB"), (126_035_968, "120.2 MiB"), (1_073_741_824, "1.0 GiB"),
            (5_497_558_138_880, "5.0 TiB"), (-512, "-512 B"), (-1_048_576, "-1.0 MiB"),
        ])
    func format(bytes: Int64, text: String) {
        #expect(BytesText.format(bytes) == text)
    }

    @Test(
        "deltas carry their sign",
        arguments: [
            (Int64(1_048_576), "+1.0 MiB"), (-512, "-512 B"), (0, "±0 B"), (1, "+1 B"), (Int64.min, "-8388608.0 TiB"),
        ])
    func signed(bytes: Int64, text: String) {
        #expect(BytesText.signed(bytes) == text)
    }

    @Test(
        "percentages",
        arguments: [
            (1.0, "+100.0%", "+100%", "100%"), (-0.5, "-50.0%", "-50%", "50%"), (0.05, "+5.0%", "+5%", "5%"),
            (0.025, "+2.5%", "+3%", "2.5%"), (0.0, "±0.0%", "±0%", "0%"),
        ])
    func percent(fraction: Double, signedText: String, wholeText: String, plainText: String) {
        #expect(BytesText.signedPercent(fraction) == signedText)
        #expect(BytesText.signedWholePercent(fraction) == wholeText)
        #expect(BytesText.percent(fraction) == plainText)
    }
}
