/// The settings a target may inherit from `defaults`, each nil when not written.
///
/// Read once for `defaults` and once per target; ``overridden(by:)`` layers a target over the
/// defaults, and ``tolerance`` etc. fill in the built-in defaults last.
struct TargetSettings {
    /// Keys allowed both in `defaults` and in a target, in the order messages list them.
    static let keys = [
        "tolerance", "noise-floor", "top-sites", "timeout", "limit", "limit-leaks",
        "max-allocations", "env", "interpreter", "native", "ignore", "repeat", "children", "ratchet",
        "suppressions", "limit-rss", "rss-tolerance", "oom-limit",
    ]

    var growthFraction: Double?
    var noiseFloorBytes: Int64?
    var topSites: Int?
    var timeoutSeconds: Double?
    var limitBytes: Int64?
    var leakLimitBytes: Int64?
    var maxAllocations: Int64?
    var env: [String: String]?
    var interpreter: String?
    var native: Bool?
    var ignore: [String]?
    /// The rules of the `suppressions:` files, read and checked.
    var suppressions: [SuppressionRule]?
    var repeatCount: Int?
    var children: Bool?
    var ratchet: Bool?
    var limitResidentBytes: Int64?
    var residentGrowthFraction: Double?
    var outOfMemoryLimitBytes: Int64?
    /// Where `limit-rss` was written (`file:line`), for the error on a pytest target.
    var limitResidentOrigin: String?
    /// More runs than this only multiply CI time: the median of 3 or 5 already ignores outliers.
    static let maximumRepeatCount = 100

    /// Reads the settings keys among `entries`, ignoring the others (the caller validated them).
    init(entries: [ConfigNode.Entry]) throws(ConfigError) {
        for entry in entries {
            try read(entry.key, entry.value)
        }
    }

    /// No settings written.
    init() {}

    private mutating func read(_ key: String, _ value: ConfigNode) throws(ConfigError) {
        switch key {
        case "tolerance": growthFraction = try value.toleranceFraction()
        case "noise-floor": noiseFloorBytes = try value.byteSize()
        case "top-sites":
            topSites = Int(try value.integer(minimum: 1, expected: "a count of at least 1 such as 10"))
        case "timeout": timeoutSeconds = try value.durationSeconds()
        case "limit": limitBytes = try value.byteSize()
        case "limit-leaks": leakLimitBytes = try value.byteSize()
        case "max-allocations":
            maxAllocations = try value.integer(minimum: 0, expected: "a count such as 20000")
        case "env": env = try value.environment()
        case "interpreter": interpreter = try value.string(expected: "a path such as \".venv/bin/python\"")
        case "native": native = try value.bool()
        case "children": children = try value.bool()
        case "ratchet": ratchet = try value.bool()
        case "limit-rss":
            limitResidentBytes = try value.byteSize()
            limitResidentOrigin = "\(value.file):\(value.line)"
        case "rss-tolerance": residentGrowthFraction = try value.toleranceFraction()
        case "oom-limit": outOfMemoryLimitBytes = try value.byteSize()
        case "ignore":
            ignore = try value.stringList(expected: "a list of patterns such as [\"*/ddtrace/*\"]", allowEmpty: true)
        case "suppressions": suppressions = try SuppressionFile.load(value)
        case "repeat":
            repeatCount = Int(
                try value.integer(
                    minimum: 1, maximum: Int64(Self.maximumRepeatCount),
                    expected: "a run count from 1 to \(Self.maximumRepeatCount) such as 3"))
        default: break
        }
    }

    /// These settings with every value `target` wrote taking precedence; `env` merges by
    /// variable name, everything else (including `ignore`) is replaced as a whole.
    func overridden(by target: TargetSettings) -> TargetSettings {
        var merged = self
        merged.growthFraction = target.growthFraction ?? growthFraction
        merged.noiseFloorBytes = target.noiseFloorBytes ?? noiseFloorBytes
        merged.topSites = target.topSites ?? topSites
        merged.timeoutSeconds = target.timeoutSeconds ?? timeoutSeconds
        merged.limitBytes = target.limitBytes ?? limitBytes
        merged.leakLimitBytes = target.leakLimitBytes ?? leakLimitBytes
        merged.maxAllocations = target.maxAllocations ?? maxAllocations
        merged.env = (env ?? [:]).merging(target.env ?? [:]) { _, targetValue in targetValue }
        merged.interpreter = target.interpreter ?? interpreter
        merged.native = target.native ?? native
        merged.ignore = target.ignore ?? ignore
        merged.suppressions = target.suppressions ?? suppressions
        merged.repeatCount = target.repeatCount ?? repeatCount
        merged.children = target.children ?? children
        merged.ratchet = target.ratchet ?? ratchet
        merged.limitResidentBytes = target.limitResidentBytes ?? limitResidentBytes
        merged.limitResidentOrigin = target.limitResidentBytes == nil ? limitResidentOrigin : target.limitResidentOrigin
        merged.residentGrowthFraction = target.residentGrowthFraction ?? residentGrowthFraction
        merged.outOfMemoryLimitBytes = target.outOfMemoryLimitBytes ?? outOfMemoryLimitBytes
        return merged
    }

    /// The tolerance with built-in defaults (5 %, 4 KiB, 10 sites) for what was not written.
    var tolerance: Tolerance {
        Tolerance(
            growthFraction: growthFraction ?? 0.05, noiseFloorBytes: noiseFloorBytes ?? 4096,
            topSites: topSites ?? 10,
            residentGrowthFraction: residentGrowthFraction ?? Tolerance.defaultResidentGrowthFraction)
    }
}
