import Foundation

/// One program of the real-runtime compatibility suite (issue 15, "Must show"): a small program
/// of ours under `Tests/Fixtures/Compat`, built by `make compat` or run by its interpreter, that
/// holds a known number of bytes at one moment.
struct CompatibilityProgram: Sendable {
    /// Short stable identifier, used for workspace and capture names.
    var id: String
    /// What the program does, for the matrix.
    var title: String
    /// The command that prints the runtime's version (first line kept).
    var versionCommand: [String]
    /// The command `memgate record` runs, after `--`.
    var command: [String]
    /// `--python-call`, for Python programs measured over one call.
    var pythonCall: String? = nil
    /// Bytes the program itself holds at its peak.
    var heldBytes: Int64
    /// The highest peak that still counts as right: held bytes plus the runtime's own.
    var maximumPeakBytes: Int64
    /// How `maximumPeakBytes` was chosen, for the matrix: `+ ≤ 64 KiB` after the held bytes.
    var toleranceText: String
    /// Why this program fails on the current tracker (an issue 15 point), or nil when it must pass.
    /// Tests of such programs run inside `withKnownIssue`; remove the reason when the fix lands.
    var knownIssue: String? = nil
    /// Which table of the matrix the program belongs to.
    var section: Section = .runtime
    /// For programs the tracker cannot reach: the reason `memgate record` must give (it must
    /// also exit non-zero and report no figure as measured).
    var notMeasuredReason: String? = nil

    enum Section: Sendable {
        /// A real runtime holding a known number of bytes.
        case runtime
        /// A process behaviour (fork, exec, clone, daemons) with the tree's exact figure.
        case process
    }

    /// Most a run may take; `memgate record --timeout-seconds` kills the program after it.
    static let timeoutSeconds: Double = 30
    /// JVM and V8 reserve and commit much memory of their own; their peak must stay under this.
    static let managedRuntimeCeilingBytes: Int64 = 512 << 20

    /// The suite, with programs resolved against the repository and the project's Python.
    static func all() throws -> [CompatibilityProgram] {
        let built = RepositoryLayout.root.appendingPathComponent(".build/compat")
        let sources = RepositoryLayout.root.appendingPathComponent("Tests/Fixtures/Compat")
        let python = try RepositoryLayout.python().path
        let mebibyte: Int64 = 1 << 20
        return [
            CompatibilityProgram(
                id: "rust-threads", title: "Rust: 4 `std::thread`s each hold a 1 MiB `Vec` at a barrier",
                versionCommand: ["rustc", "--version"], command: [built.appendingPathComponent("hold_threads").path],
                heldBytes: 4 * mebibyte, maximumPeakBytes: 4 * mebibyte + (256 << 10), toleranceText: "+ ≤ 256 KiB"),
            CompatibilityProgram(
                id: "cpp-vector", title: "C++ (g++ -O2): one 3 MiB `std::vector<char>`",
                versionCommand: ["g++", "--version"], command: [built.appendingPathComponent("hold_vector").path],
                heldBytes: 3 * mebibyte, maximumPeakBytes: 3 * mebibyte + (64 << 10), toleranceText: "+ ≤ 64 KiB"),
            CompatibilityProgram(
                id: "swift-array", title: "Swift (swiftc -O): one 3 MiB `[UInt8]`",
                versionCommand: ["swiftc", "--version"], command: [built.appendingPathComponent("hold_array").path],
                heldBytes: 3 * mebibyte + 32, maximumPeakBytes: 3 * mebibyte + (64 << 10),
                toleranceText: "+ ≤ 64 KiB"),
            CompatibilityProgram(
                id: "java-array", title: "Java (`java -Xmx64m`): one 16 MiB `byte[]`",
                versionCommand: ["java", "-version"], command: ["java", "-Xmx64m", "-cp", built.path, "Hold"],
                heldBytes: 16 * mebibyte, maximumPeakBytes: managedRuntimeCeilingBytes,
                toleranceText: "held, JVM total < 512 MiB"),
            CompatibilityProgram(
                id: "node-buffer", title: "node (`node -e`): one 16 MiB `Buffer`",
                versionCommand: ["node", "--version"],
                command: [
                    "node", "-e",
                    try String(contentsOf: sources.appendingPathComponent("hold_buffer.js"), encoding: .utf8),
                ],
                heldBytes: 16 * mebibyte, maximumPeakBytes: managedRuntimeCeilingBytes,
                toleranceText: "held, V8 total < 512 MiB"),
            CompatibilityProgram(
                id: "python-numpy", title: "Python + numpy: one 4 MiB `float64` array (`--python-call hold()`)",
                versionCommand: [
                    python, "-c",
                    "import sys, numpy; print('Python', sys.version.split()[0] + ', numpy', numpy.__version__)",
                ],
                command: [python, sources.appendingPathComponent("hold_numpy.py").path], pythonCall: "hold()",
                heldBytes: 4 * mebibyte, maximumPeakBytes: 4 * mebibyte + (64 << 10), toleranceText: "+ ≤ 64 KiB"),
        ] + (try processBehaviours())
    }
}
