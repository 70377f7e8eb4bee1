import ArgumentParser
import MemgateCore
import MemgateReports

/// A duration on the command line, in the config's grammar: `90s`, `2m`, `1.5h`, `500ms`.
struct DurationArgument: ExpressibleByArgument, Sendable {
    var seconds: Double

    init?(argument: String) {
        guard let seconds = try? DurationParser.parseSeconds(argument), seconds > 0 else { return nil }
        self.seconds = seconds
    }

    static var defaultCompletionKind: CompletionKind { .default }
}

/// `--json`, meaning the same in every command: write the JSON form of what the command
/// produces to this file, or to standard output with `-`.
struct JSONOutputOptions: ParsableArguments {
    @Option(
        name: .customLong("json"),
        help: ArgumentHelp("Write the results as JSON to this file ('-': standard output).", valueName: "path"))
    var path: String?

    /// Whether the JSON goes to standard output (so the command's text output stays off it).
    var toStandardOutput: Bool { path == "-" }

    /// The file to write, nil for none or for standard output.
    var file: String? { path == "-" ? nil : path }
}

/// `--timeout`, in the config's duration grammar.
struct TimeoutOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Kill the target's process group after this long, e.g. 90s, 2m, 500ms (units ms, s, m, h).",
            valueName: "duration"))
    var timeout: DurationArgument?
}

/// `--export pprof,speedscope`: profile formats, comma-separated, each at most once.
struct ExportFormats: Sendable {
    var formats: [ProfileExport]

    static func parse(_ text: String) throws -> ExportFormats {
        var formats: [ProfileExport] = []
        for name in text.split(separator: ",", omittingEmptySubsequences: false) {
            let trimmed = name.trimmingCharacters(in: .whitespaces)
            guard let format = ProfileExport(rawValue: trimmed) else {
                let known = ProfileExport.allCases.map(\.rawValue).joined(separator: ", ")
                throw ValidationError("unknown export format '\(trimmed)'; known: \(known)")
            }
            if !formats.contains(format) { formats.append(format) }
        }
        return ExportFormats(formats: formats)
    }
}
