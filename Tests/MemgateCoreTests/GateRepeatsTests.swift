import Testing

@testable import MemgateCore

@Suite struct GateRepeatsTests {
    @Test(
        "the median run by peak, the lower one for an even count",
        arguments: [
            ([Int64(7)], 0),
            ([300, 100, 200], 2),
            ([100, 900_000, 110], 2),  // one outlier run does not move the choice
            ([400, 100, 300, 200], 3),  // lower median: 200
            ([5, 5, 5], 1),  // ties go to run order
            ([9, 1], 1),
        ])
    func medianIndex(peaks: [Int64], index: Int) {
        #expect(Repeats.medianIndex(peaks: peaks) == index)
    }
}
