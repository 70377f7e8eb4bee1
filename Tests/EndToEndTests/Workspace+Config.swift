import Foundation

extension Workspace {
    /// Writes `memgate.yml` with baselines under `baselines/` and these `targets:` entries
    /// (YAML list items indented by two spaces); returns its path.
    @discardableResult
    func writeConfig(targets: String) throws -> URL {
        try write("version: 1\nbaselines: baselines\ntargets:\n" + targets, to: "memgate.yml")
    }
}
