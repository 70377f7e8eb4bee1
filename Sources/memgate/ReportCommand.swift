import ArgumentParser
import Foundation
import MemgateCore
import MemgateReports
import MemgateRuntime

/// `memgate report`: print what a capture file holds.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Print peak, totals and the top allocation sites of a capture file.",
        discussion: """
            Examples:
              memgate report memgate.mgc
              memgate report memgate.mgc --top 20
              memgate report memgate.mgc --json - > profile.json
              memgate report memgate.mgc --json profile.json
              memgate report memgate.mgc --html flamegraph.html
              memgate report memgate.mgc --pprof heap.pb.gz     # go tool pprof heap.pb.gz
              memgate report memgate.mgc --speedscope heap.speedscope.json
            Captures of child processes beside it (<capture>-p<pid>) are joined in:
            the peak is the process tree's combined peak and sites name their process.
            A truncated or corrupt capture exits with status 3.
            """
    )

    @Argument(help: "Capture file written by `memgate record` or `memgate run`.")
    var capture: String

    @Option(help: "How many allocation sites to list.")
    var top: Int = 10

    @OptionGroup var jsonOutput: JSONOutputOptions

    @Option(help: "Also write a self-contained HTML flamegraph to this file.")
    var html: String?

    @Option(
        help: ArgumentHelp(
            "Also write a gzipped pprof profile here: alloc_objects, alloc_space, inuse_objects and inuse_space "
                + "(live at the peak, the default).", valueName: "file"))
    var pprof: String?

    @Option(
        help: ArgumentHelp(
            "Also write a speedscope profile here (live at peak, and allocated, in bytes).", valueName: "file"))
    var speedscope: String?

    func validate() throws {
        guard top > 0 else { throw ValidationError("--top must be a positive number, got \(top)") }
    }

    func run() throws {
        let path = URL(fileURLWithPath: capture)
        let raw = try CaptureSet.decode(path: path)
        // The captures of the processes it started (`<capture>-p<pid>`) are joined in.
        let profile = try CaptureSet.treeProfile(path: path, basePath: path)
        if let html {
            try Data(HtmlFlamegraph.render(capture: profile, topSites: top).utf8).write(
                to: URL(fileURLWithPath: html), options: .atomic)
        }
        for (export, file) in [(ProfileExport.pprof, pprof), (.speedscope, speedscope)] {
            guard let file else { continue }
            try export.render(profile).write(to: URL(fileURLWithPath: file), options: .atomic)
        }
        if jsonOutput.path != nil {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            var data = try encoder.encode(profile)
            data.append(0x0A)
            if let file = jsonOutput.file {
                try data.write(to: URL(fileURLWithPath: file), options: .atomic)
            } else {
                FileHandle.standardOutput.write(data)
                return
            }
        }
        print(CaptureSummary.text(profile: profile, raw: raw, path: capture, top: top))
    }
}

/// The text `memgate report` prints.
enum CaptureSummary {
    static func text(profile: Profile, raw: RawCapture, path: String, top: Int) -> String {
        var lines: [String] = []
        let state = raw.isFinished ? "complete" : "interrupted (process ended before finalizing; figures so far)"
        lines.append("capture:      \(path) — region \"\(profile.regionName)\", \(state)")
        if raw.isTorn {
            lines.append("warning:      the last event was torn by the crash; figures may be off by one allocation")
        }
        if let reason = profile.unmeasuredReason { lines.append("warning:      \(reason)") }
        for notice in profile.captureNotices ?? [] { lines.append("notice:       \(notice)") }
        lines.append("peak:         \(ByteSize.format(profile.peakBytes)) (\(profile.peakBytes) B)")
        lines.append(
            "total:        \(ByteSize.format(profile.totalBytes)) (\(profile.totalBytes) B) in \(profile.allocationCount) allocations"
        )
        lines.append("live at end:  \(ByteSize.format(profile.bytesAtEnd)) (\(profile.bytesAtEnd) B)")
        lines.append(
            String(
                format: "duration:     %.3f s, peak at %.3f s",
                Double(profile.durationNanoseconds) / 1e9, Double(profile.peakTimeNanoseconds) / 1e9))
        if raw.fastUnwinds + raw.slowUnwinds > 0 {
            let off = raw.fastUnwindDisabled ? " (learned rules switched off by a failed self-check)" : ""
            lines.append(
                "native stacks: \(raw.fastUnwinds) walked with learned rules, \(raw.slowUnwinds) with libunwind\(off)")
        }
        lines.append("top sites at peak:")
        for site in profile.topSites(limit: top) where site.bytesAtPeak > 0 {
            let bytes = ByteSize.format(site.bytesAtPeak).padding(toLength: 11, withPad: " ", startingAt: 0)
            lines.append(
                "  \(bytes) \(String(site.allocationsAtPeak).padding(toLength: 8, withPad: " ", startingAt: 0)) \(site.displayName)"
            )
        }
        return lines.joined(separator: "\n")
    }
}
