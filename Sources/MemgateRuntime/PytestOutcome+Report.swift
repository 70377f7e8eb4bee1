import Foundation
import MemgateCore

extension PytestOutcome {
    /// Reads the plugin's report; the last line per node id wins (reruns append lines).
    /// Malformed lines are skipped: the file is written by the target process.
    public static func load(path: URL) -> [PytestOutcome] {
        guard let data = try? Data(contentsOf: path) else { return [] }
        var order: [String] = []
        var latest: [String: PytestOutcome] = [:]
        for line in data.split(separator: UInt8(ascii: "\n")) {
            guard let outcome = try? JSONDecoder().decode(PytestOutcome.self, from: Data(line)) else { continue }
            if latest[outcome.nodeID] == nil { order.append(outcome.nodeID) }
            latest[outcome.nodeID] = outcome
        }
        return order.compactMap { latest[$0] }
    }
}
