/// One thing to measure, with every default from the config's `defaults` already applied.
public struct TargetConfig: Hashable, Sendable {
    /// How the target is run.
    public enum Kind: Sendable, Hashable {
        /// `python: script` — run a Python script, optionally measuring just one `call`
        /// (`module:function(args)` or an expression). The path is as written, relative to
        /// the config directory.
        case python(script: String, call: String?)
        /// `command: [program, args…]` — run a program directly, no shell.
        case command(argv: [String])
        /// `pytest: path` — run pytest on a file or directory (relative to the config
        /// directory, as written); each test is one measured region.
        case pytest(path: String, args: [String])
    }

    /// Unique name (`[A-Za-z0-9._-]+`, not starting with `.`); names the baseline file.
    public var name: String
    /// How to run it.
    public var kind: Kind
    /// `limit`: peak live bytes allowed.
    public var limitBytes: Int64?
    /// `limit-leaks`: bytes allowed to stay live at the end.
    public var leakLimitBytes: Int64?
    /// `max-allocations`: allocations allowed.
    public var maxAllocations: Int64?
    /// `limit-rss`: peak resident memory of the process tree allowed.
    public var limitResidentBytes: Int64?
    /// `oom-limit`: a hard cap on the process tree's memory, enforced by the kernel in the
    /// target's own memory cgroup (the tree is OOM-killed above it); nil = measure only.
    public var outOfMemoryLimitBytes: Int64?
    /// `tolerance`, `noise-floor` and `top-sites`: how far the target may move from its baseline.
    public var tolerance: Tolerance
    /// `timeout`: seconds before the target is killed and fails (default 120).
    public var timeoutSeconds: Double
    /// `env`: extra environment variables; the target's entries override the defaults' ones.
    public var env: [String: String]
    /// `cwd`: absolute working directory (resolved against the config directory); nil = not
    /// set, the runner picks (normally the config directory).
    public var cwd: String?
    /// `interpreter`: Python executable as written; nil = `python3` on `PATH`.
    public var interpreter: String?
    /// `native`: record native frames under the Python ones (default false).
    public var native: Bool
    /// `ignore`: file/function glob patterns whose allocations are left out. A target's list
    /// replaces the defaults' list (so a target can drop a default pattern).
    public var ignore: [String]
    /// `repeat`: how many runs (at least 1); the gate uses the median.
    public var repeatCount: Int
    /// `children`: measure the processes the target starts as part of it (default true).
    public var trackChildren: Bool
    /// `suppressions:`: the rules of the suppression files, in file and line order. A target's
    /// list replaces the defaults' list, as `ignore` does.
    public var suppressions: [SuppressionRule]
    /// `ratchet`: a baseline the peak has shrunk below beyond tolerance fails (default false).
    public var ratchet: Bool
    /// 1-based line of the target in the YAML, for messages.
    public var line: Int

    /// Creates a target; the defaults match the config file's defaults.
    public init(
        name: String, kind: Kind, limitBytes: Int64? = nil, leakLimitBytes: Int64? = nil,
        maxAllocations: Int64? = nil, tolerance: Tolerance = Tolerance(),
        timeoutSeconds: Double = 120, env: [String: String] = [:], cwd: String? = nil,
        interpreter: String? = nil, native: Bool = false, ignore: [String] = [],
        repeatCount: Int = 1, trackChildren: Bool = true, ratchet: Bool = false,
        suppressions: [SuppressionRule] = [], limitResidentBytes: Int64? = nil, line: Int = 0
    ) {
        self.limitResidentBytes = limitResidentBytes
        precondition(repeatCount >= 1, "repeat must be at least 1")
        precondition(timeoutSeconds > 0, "timeout must be positive")
        self.name = name
        self.kind = kind
        self.limitBytes = limitBytes
        self.leakLimitBytes = leakLimitBytes
        self.maxAllocations = maxAllocations
        self.tolerance = tolerance
        self.timeoutSeconds = timeoutSeconds
        self.env = env
        self.cwd = cwd
        self.interpreter = interpreter
        self.native = native
        self.ignore = ignore
        self.repeatCount = repeatCount
        self.trackChildren = trackChildren
        self.ratchet = ratchet
        self.suppressions = suppressions
        self.line = line
    }

    /// Every rule applied to the measured stacks (``Profile/suppressing(_:)``): the `ignore:` globs
    /// (which the tracker also applies to Python frames while recording), then the files' rules.
    public var suppressionRules: [SuppressionRule] {
        ignore.map { SuppressionRule(kind: .ignore, pattern: $0, origin: "ignore") } + suppressions
    }

    /// The absolute limits (`limit`, `limit-leaks`, `max-allocations`) as a ``Budget``.
    public var budget: Budget {
        Budget(
            limitBytes: limitBytes, leakLimitBytes: leakLimitBytes, maxAllocations: maxAllocations,
            limitResidentBytes: limitResidentBytes)
    }
}
