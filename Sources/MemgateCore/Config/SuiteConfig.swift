/// A whole config file (`ci/memgate.yml`): where baselines live and what to measure.
public struct SuiteConfig: Hashable, Sendable {
    /// Format version; only 1 exists.
    public var version: Int
    /// The config file's path exactly as given to the loader (for messages).
    public var configPath: String
    /// Absolute, normalised directory holding the config file; relative paths in the config
    /// (scripts, pytest paths, `cwd`, `baselines`) are relative to it.
    public var configDirectory: String
    /// Absolute, normalised baselines directory. Always inside the config directory's parent
    /// (the repository root), so baseline writes cannot land elsewhere.
    public var baselinesDirectory: String
    /// The targets in file order, with defaults applied; never empty, names unique.
    public var targets: [TargetConfig]

    /// Creates a suite; ``ConfigLoader`` is the usual way to get one.
    public init(
        version: Int = 1, configPath: String, configDirectory: String, baselinesDirectory: String,
        targets: [TargetConfig]
    ) {
        self.version = version
        self.configPath = configPath
        self.configDirectory = configDirectory
        self.baselinesDirectory = baselinesDirectory
        self.targets = targets
    }
}
