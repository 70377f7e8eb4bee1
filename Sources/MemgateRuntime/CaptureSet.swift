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
                let worker = String(rest.split(separator: ".").first ?? Substring(rest))
                return isDescendantSuffix(worker) ? nil : worker
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

    /// `p<pid>`: the suffix of a child process's capture (`<capture>-p<pid>`), not a worker's.
    static func isDescendantSuffix(_ suffix: some StringProtocol) -> Bool {
        suffix.count > 1 && suffix.first == "p" && suffix.dropFirst().allSatisfy(\.isNumber)
    }

    /// Captures of the processes the capture's process started (`<capture>-p<pid>`), by pid.
    public static func descendantPaths(of capture: URL) -> [URL] {
        let directory = capture.deletingLastPathComponent()
        let name = capture.lastPathComponent
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return entries.compactMap { entry -> (Int, String)? in
            guard entry.hasPrefix(name + "-"), isDescendantSuffix(entry.dropFirst(name.count + 1)),
                let pid = Int(entry.dropFirst(name.count + 2))
            else { return nil }
            return (pid, entry)
        }.sorted { $0.0 < $1.0 }.map { directory.appendingPathComponent($0.1) }
    }

    /// Every file one tracked run may leave for `basePath`: captures of regions, workers and
    /// child processes, and the process tree's shared page.
    public static func allFiles(basePath: URL) -> [URL] {
        let directory = basePath.deletingLastPathComponent()
        let name = basePath.lastPathComponent
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        func isOurs(_ entry: String) -> Bool {
            if entry == name || entry == name + ".tree" { return true }
            if entry.hasPrefix(name + "."), entry.dropFirst(name.count + 1).allSatisfy(\.isNumber) { return true }
            guard entry.hasPrefix(name + "-") else { return false }
            let suffix = entry.dropFirst(name.count + 1)
            let writer = suffix.split(separator: ".").first ?? suffix
            return isDescendantSuffix(writer) || writer.hasPrefix("gw")
        }
        return entries.filter(isOurs).map { directory.appendingPathComponent($0) }
    }

    /// The peak the process tree reached, from its shared page `<basePath>.tree` (for a root
    /// capture that was not finalized); nil when there is none.
    public static func treePeakBytes(basePath: URL) -> Int64? {
        let tree = URL(fileURLWithPath: basePath.path + ".tree")
        guard let data = try? Data(contentsOf: tree) else { return nil }
        return TreePage.peakBytes(data)
    }

    /// The profile of a whole process tree whose root wrote `path`: the root's capture joined
    /// with those of the processes it started during the same region (see `ProcessTree`).
    public static func treeProfile(path: URL, basePath: URL, symbolizer: NativeSymbolizer = NativeSymbolizer())
        throws(CaptureError) -> Profile
    {
        let root = try decode(path: path)
        var children: [URL: Result<RawCapture, CaptureError>] = [:]
        for child in descendantPaths(of: path) where hasContent(child) {
            do { children[child] = .success(try decode(path: child)) } catch { children[child] = .failure(error) }
        }
        return combineTree(root: root, children: children, basePath: basePath, symbolizer: symbolizer)
    }

    /// Joins a root capture with its children's (those started after it: children of an image
    /// the root exec'd away from belong to that image); an unreadable child is a notice.
    static func combineTree(
        root: RawCapture, children: [URL: Result<RawCapture, CaptureError>], basePath: URL,
        symbolizer: NativeSymbolizer
    ) -> Profile {
        var descendants: [ProcessCapture] = []
        var unreadable: [String] = []
        // The reports add up the stacks of the whole tree: a child whose figures would take the
        // tree's sums past what a capture may hold is left out like an unreadable one.
        var treeSums = StackFigureSums()
        try? treeSums.add(root)
        func unreadableNotice(_ path: URL, _ error: CaptureError) -> String {
            "the capture of child process \(path.lastPathComponent) is unreadable (\(error.problem))"
        }
        for (path, decoded) in children.sorted(by: { $0.key.path < $1.key.path }) {
            switch decoded {
            case .success(let raw) where raw.startNanoseconds >= root.startNanoseconds:
                do { try treeSums.add(raw) } catch {
                    unreadable.append(unreadableNotice(path, error))
                    continue
                }
                descendants.append(ProcessCapture(raw: raw, profile: profile(raw: raw, symbolizer: symbolizer)))
            case .success: break
            case .failure(let error): unreadable.append(unreadableNotice(path, error))
            }
        }
        let rootCapture = ProcessCapture(raw: root, profile: profile(raw: root, symbolizer: symbolizer))
        var combined = ProcessTree.combine(
            root: rootCapture, descendants: descendants, treePeakBytes: treePeakBytes(basePath: basePath))
        if !unreadable.isEmpty { combined.captureNotices = (combined.captureNotices ?? []) + unreadable }
        return combined
    }

    /// Decodes one capture file; a decoding error names the file (`CaptureError.inFile`).
    public static func decode(path: URL) throws(CaptureError) -> RawCapture {
        let data: Data
        do { data = try Data(contentsOf: path) } catch {
            throw .unreadable(path: path.path, reason: error.localizedDescription)
        }
        do { return try CaptureDecoder.decode(data) } catch { throw .inFile(path: path.path, problem: error) }
    }

    /// Decodes and symbolizes one capture file into a profile.
    public static func profile(path: URL, symbolizer: NativeSymbolizer = NativeSymbolizer()) throws(CaptureError)
        -> Profile
    {
        try profile(raw: decode(path: path), symbolizer: symbolizer)
    }

    /// The tree profiles of several root captures (a pytest target writes one per test), asking
    /// llvm-symbolizer about all of them and their children's captures at once.
    public static func treeProfiles(paths: [URL], symbolizer: NativeSymbolizer = NativeSymbolizer())
        throws(CaptureError) -> [Profile]
    {
        profiles(of: try decodeTrees(paths: paths), symbolizer: symbolizer)
    }

    /// A root capture decoded with its children's, not yet symbolized.
    public struct DecodedTree: Sendable {
        public var path: URL
        public var root: RawCapture
        public var children: [URL: Result<RawCapture, CaptureError>]

        /// Whether naming its frames needs llvm-symbolizer (any capture of the tree has native addresses).
        public var hasNativeAddresses: Bool {
            !root.nativeAddresses.isEmpty
                || children.values.contains { (try? $0.get())?.nativeAddresses.isEmpty == false }
        }
    }

    /// Decodes the root captures at `paths` and their children's; throws the first root's error, in order.
    public static func decodeTrees(paths: [URL]) throws(CaptureError) -> [DecodedTree] {
        var trees: [DecodedTree] = []
        for path in paths {
            let root = try decode(path: path)
            var decoded: [URL: Result<RawCapture, CaptureError>] = [:]
            for child in descendantPaths(of: path) where hasContent(child) {
                do { decoded[child] = .success(try decode(path: child)) } catch { decoded[child] = .failure(error) }
            }
            trees.append(DecodedTree(path: path, root: root, children: decoded))
        }
        return trees
    }

    /// The profiles of decoded trees, in order, asking llvm-symbolizer about all of them at once.
    public static func profiles(of trees: [DecodedTree], symbolizer: NativeSymbolizer) -> [Profile] {
        let everyCapture = trees.map(\.root) + trees.flatMap { $0.children.values.compactMap { try? $0.get() } }
        symbolizer.prefetch(everyCapture)
        return trees.map {
            combineTree(root: $0.root, children: $0.children, basePath: $0.path, symbolizer: symbolizer)
        }
    }

    /// Symbolizes a decoded capture into a profile, refining an exec's "not measured" reason
    /// by looking at the program: one the tracker reaches would have re-created the capture as
    /// soon as it started, so a capture still marked "exec'd" means the process ended before
    /// the new program ran (killed while exec'ing, e.g. a leftover ended with its target):
    /// nothing went unmeasured.
    static func profile(raw: RawCapture, symbolizer: NativeSymbolizer) -> Profile {
        var profile = raw.profile(symbols: symbolizer.symbolize(raw))
        guard !raw.isFinished, let execPath = raw.execPath, !raw.execDroppedPreload else { return profile }
        switch ExecutableInspector.reach(program: execPath) {
        case .unreachable(let reason):
            profile.unmeasuredReason = "not measured: \(reason)"
        case .reachable:
            profile.unmeasuredReason = nil
            profile.captureNotices =
                (profile.captureNotices ?? [])
                + ["process \(raw.pid) ended while starting \(execPath), before that program ran"]
        case .unknown:
            break
        }
        return profile
    }
}
