import Foundation
import MemgateCore

/// The capture files one tracked run produced (`capture.mgc`, `capture.mgc.1`, …), loaded.
public enum CaptureSet {
    /// Paths written for `basePath`, in region order.
    public static func paths(basePath: URL) -> [URL] {
        let directory = basePath.deletingLastPathComponent()
        let name = basePath.lastPathComponent
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        let indexed: [(Int, String)] = entries.compactMap { entry in
            if entry == name { return (0, entry) }
            guard entry.hasPrefix(name + "."), let index = Int(entry.dropFirst(name.count + 1)) else { return nil }
            return (index, entry)
        }
        return indexed.sorted { $0.0 < $1.0 }.map { directory.appendingPathComponent($0.1) }
    }

    /// Paths of `basePath` and of every worker capture beside it (`<base>-<worker>`,
    /// `<base>-<worker>.N`, written by pytest-xdist workers), grouped by writer, in region order.
    public static func allPaths(basePath: URL) -> [URL] {
        let directory = basePath.deletingLastPathComponent()
        let name = basePath.lastPathComponent
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        let workers = Set(
            entries.compactMap { entry -> String? in
                guard entry.hasPrefix(name + "-") else { return nil }
                let rest = entry.dropFirst(name.count + 1)
                return String(rest.split(separator: ".").first ?? Substring(rest))
            })
        var paths = self.paths(basePath: basePath)
        for worker in workers.sorted() {
            paths += self.paths(basePath: directory.appendingPathComponent("\(name)-\(worker)"))
        }
        return paths
    }

    /// False for an empty file: the tracker created it but could not map it (no space left).
    public static func hasContent(_ path: URL) -> Bool {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path.path)
        return (attributes?[.size] as? Int ?? 0) > 0
    }

    /// Why a run left no readable capture at `basePath`, when it can be told: the program is
    /// out of LD_PRELOAD's reach, or the tracker could not create the file.
    public static func missingCaptureReason(basePath: URL, program: String?, searchPath: String?) -> String? {
        if let program, let reason = ExecutableInspector.unreachableReason(program: program, searchPath: searchPath) {
            return reason
        }
        if FileManager.default.fileExists(atPath: basePath.path), !hasContent(basePath) {
            return "the tracker could not create its capture in \(basePath.deletingLastPathComponent().path) "
                + "(no space left on that device? set TMPDIR to a larger one)"
        }
        return nil
    }

    /// Decodes one capture file.
    public static func decode(path: URL) throws(CaptureError) -> RawCapture {
        let data: Data
        do { data = try Data(contentsOf: path) } catch {
            throw .unreadable(path: path.path, reason: error.localizedDescription)
        }
        return try CaptureDecoder.decode(data)
    }

    /// Decodes and symbolizes one capture file into a profile.
    public static func profile(path: URL, symbolizer: NativeSymbolizer = NativeSymbolizer()) throws(CaptureError)
        -> Profile
    {
        try profile(raw: decode(path: path), symbolizer: symbolizer)
    }

    /// Decodes and symbolizes capture files into profiles, in order, asking llvm-symbolizer about
    /// all of them at once (a pytest target writes one capture per test).
    public static func profiles(paths: [URL], symbolizer: NativeSymbolizer = NativeSymbolizer()) throws(CaptureError)
        -> [Profile]
    {
        var raws: [RawCapture] = []
        for path in paths { raws.append(try decode(path: path)) }
        symbolizer.prefetch(raws)
        var profiles: [Profile] = []
        for raw in raws { profiles.append(profile(raw: raw, symbolizer: symbolizer)) }
        return profiles
    }

    private static func profile(raw: RawCapture, symbolizer: NativeSymbolizer) -> Profile {
        var profile = raw.profile(symbols: symbolizer.symbolize(raw))
        if !raw.isFinished, let execPath = raw.execPath, !raw.execDroppedPreload,
            let reason = ExecutableInspector.unreachableReason(program: execPath)
        {
            profile.unmeasuredReason = "not measured: \(reason)"
        }
        return profile
    }
}
