import Foundation

/// Finds libmemgate_tracker.so: `$MEMGATE_TRACKER`, then next to the memgate executable,
/// then in `../lib` beside it.
public enum TrackerLocator {
    public static let libraryName = "libmemgate_tracker.so"

    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        if let explicit = environment["MEMGATE_TRACKER"], !explicit.isEmpty {
            guard FileManager.default.fileExists(atPath: explicit) else {
                throw LaunchError(description: "MEMGATE_TRACKER points to \(explicit), which does not exist")
            }
            return explicit
        }
        let directory = ExecutableLocator.ownDirectory
        let candidates = [
            directory.appendingPathComponent(libraryName).path,
            directory.deletingLastPathComponent().appendingPathComponent("lib/\(libraryName)").path,
        ]
        if let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) { return found }
        throw LaunchError(
            description: """
                tracker library not found (looked for \(candidates.joined(separator: ", "))); \
                build it with `make tracker` or set MEMGATE_TRACKER
                """)
    }
}
