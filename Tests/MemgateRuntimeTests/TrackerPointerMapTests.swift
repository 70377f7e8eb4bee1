import Foundation
import MemgateCore
import MemgateRuntime
import Testing

/// The tracker's pointer map (address → requested bytes, stack, capture) is where every free
/// finds its allocation; a wrong answer there is a wrong peak. ptrmap_model compiles the map's
/// source with a plain model beside it and compares them operation by operation.
@Suite("tracker: pointer map against a model")
struct TrackerPointerMapTests {
    @Test(
        "4 M random inserts, re-inserts and removes over dense runs, stripes, wide entries and clears all match the model"
    )
    func pointerMapMatchesTheModel() throws {
        let outcome = try TargetLauncher.run(
            LaunchRequest(
                arguments: [try TrackerTestPaths.fixture("ptrmap_model"), "4000000"],
                environment: ProcessInfo.processInfo.environment, timeoutSeconds: 120))
        #expect(outcome.processEnd == .exited(code: 0), "output: \(outcome.outputTail)")
        // The run must have met every path it is meant to: replaced entries, removals and the spill list.
        let counts = outcome.outputTail.split(separator: " ").compactMap { Int($0) }
        #expect(outcome.outputTail.hasPrefix("ok: 4000000 operations"), "output: \(outcome.outputTail)")
        #expect(counts.count == 4 && counts.dropFirst().allSatisfy { $0 > 1000 }, "output: \(outcome.outputTail)")
    }
}
