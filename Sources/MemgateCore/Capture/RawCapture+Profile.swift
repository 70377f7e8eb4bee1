extension RawCapture {
    /// Turns the raw capture into a symbolized `Profile`.
    ///
    /// - Parameter symbols: for each native address a symbolizer resolved, its frames
    ///   innermost first — one per function inlined at that address, then the function the
    ///   code was compiled into. Addresses missing from it become `module+0xoffset` frames
    ///   (`0x…` when no module holds them).
    public func profile(symbols: [UInt64: [Frame]] = [:]) -> Profile {
        var records: [StackRecord] = []
        records.reserveCapacity(stacks.count)
        var nodeFrames = NodeFrames(tree: self.frames) { word in framesOfWord(word, symbols: symbols) }
        for (index, stack) in stacks.enumerated() {
            guard stack.peakBytes != 0 || stack.totalBytes != 0 || stack.liveBytes != 0 else { continue }
            var frames = nodeFrames.frames(endingAt: stack.leaf)
            if frames.isEmpty {
                let label =
                    index == 0 && stacksDropped
                    ? "[stack table full]"
                    : pythonFunctions.isEmpty ? "[no stack]" : "[outside Python frames]"
                frames = [Frame(function: label, kind: .native)]
            }
            records.append(
                StackRecord(
                    frames: frames, bytesAtPeak: stack.peakBytes, allocationsAtPeak: stack.peakCount,
                    totalBytes: stack.totalBytes, allocationCount: stack.allocationCount, bytesAtEnd: stack.liveBytes))
        }
        var profile = Profile(
            regionName: regionName, peakBytes: peakBytes, totalBytes: totalBytes, allocationCount: allocationCount,
            bytesAtEnd: liveBytes, peakTimeNanoseconds: peakTimeNanoseconds, durationNanoseconds: durationNanoseconds,
            completion: isFinished ? .complete : .interrupted, stacks: records, timeline: timeline)
        profile.unmeasuredReason = unmeasuredReason
        let notices = captureNotices
        profile.captureNotices = notices.isEmpty ? nil : notices
        return profile
    }

    /// Why this capture does not cover its whole region, from the tracker's own flags. The
    /// runtime refines an exec reason by looking at the program (static, setuid).
    public var unmeasuredReason: String? {
        if !isFinished, let execPath {
            let why =
                execDroppedPreload
                ? "its environment no longer preloads libmemgate_tracker.so (LD_PRELOAD was removed)"
                : "the tracker could not load into it (a statically linked or setuid program?)"
            return "not measured: the target exec'd \(execPath), which the tracker cannot follow: \(why)"
        }
        if captureFull {
            return "not measured to the end: the capture file could not grow (no space left on the device "
                + "holding it, e.g. a small TMPDIR), so tracking stopped early"
        }
        return nil
    }

    /// Capacity notices: figures stay exact, attribution is coarser.
    public var captureNotices: [String] {
        var notices: [String] = []
        if stacksDropped {
            notices.append("the stack table filled up: some allocations are charged to \"[stack table full]\"")
        }
        if stringsFull { notices.append("the name table filled up: some function or file names are empty") }
        if pythonFunctionsFull {
            notices.append("the Python function table filled up: some Python frames are shown as \"?\"")
        }
        if shallowUnwinds > 0 {
            notices.append(
                "\(shallowUnwinds) allocation(s) on threads with under 32 KiB of stack left were recorded "
                    + "without native frames")
        }
        return notices
    }

    /// The frames of one stack word, outermost first.
    private func framesOfWord(_ word: UInt64, symbols: [UInt64: [Frame]]) -> [Frame] {
        if let python = RawCapture.pythonFrame(word) {
            let function = pythonFunctions[python.functionID]
            return [
                Frame(
                    function: function?.name ?? "?", file: function?.file, line: python.line > 0 ? python.line : nil,
                    kind: .python)
            ]
        }
        if let chain = symbols[word], !chain.isEmpty { return chain.reversed() }
        // Relative to the module, so the frame (and a site keyed by it) is the same on every run.
        if let module = module(containing: word), word >= module.bias {
            return [Frame.unsymbolized(modulePath: module.path, offset: word - module.bias)]
        }
        return [Frame(function: "0x" + String(word, radix: 16), kind: .native)]
    }
}

/// The frames of the stacks of a capture's frame tree, each node resolved once: a stack's
/// outer frames, shared with other stacks in the tree, are resolved and copied once for all of
/// them, at the node where their stacks part.
struct NodeFrames {
    private let tree: FrameTree
    private let resolve: (UInt64) -> [Frame]
    // One resolution per distinct word: a large capture repeats a few thousand functions and
    // lines over tens of thousands of nodes (a scipy import: 63 000 nodes).
    private var framesByWord = WordFrames()
    /// The frames from the outermost to a node, for nodes where stacks part (two children or
    /// more): what a later stack through it starts from.
    private var framesAtBranch: [[Frame]?]
    private let childCounts: [UInt8]
    private var path: [Int32] = []
    private var pieces: [[Frame]] = []

    init(tree: FrameTree, resolve: @escaping (UInt64) -> [Frame]) {
        self.tree = tree
        self.resolve = resolve
        var counts = [UInt8](repeating: 0, count: tree.nodes.count)
        for node in tree.nodes where node.parent != FrameTree.none {
            counts[Int(node.parent)] = min(counts[Int(node.parent)], 1) + 1
        }
        childCounts = counts
        framesAtBranch = Array(repeating: nil, count: tree.nodes.count)
    }

    /// The frames of the stack whose innermost frame is `leaf`, outermost first.
    mutating func frames(endingAt leaf: Int32) -> [Frame] {
        path.removeAll(keepingCapacity: true)
        var node = leaf
        var known: [Frame] = []
        while node != FrameTree.none {
            if let atBranch = framesAtBranch[Int(node)] {
                known = atBranch
                break
            }
            path.append(node)
            node = tree.nodes[Int(node)].parent
        }
        path.reverse()
        pieces.removeAll(keepingCapacity: true)
        var count = known.count
        for step in path {
            let piece = framesOf(tree.nodes[Int(step)].word)
            pieces.append(piece)
            count += piece.count
        }
        // Allocated once at its final size: growing it append by append cost more than the rest.
        var frames: [Frame] = []
        frames.reserveCapacity(count)
        frames.append(contentsOf: known)
        for (step, piece) in zip(path, pieces) {
            frames.append(contentsOf: piece)
            // A copy of its own, so appending to `frames` does not copy it again.
            if childCounts[Int(step)] > 1 { framesAtBranch[Int(step)] = Array(frames[...]) }
        }
        return frames
    }

    private mutating func framesOf(_ word: UInt64) -> [Frame] {
        if let known = framesByWord.frames(of: word) { return known }
        let resolved = resolve(word)
        framesByWord.remember(resolved, of: word)
        return resolved
    }
}

/// The frames of each distinct stack word, resolved once: recent words' frames (RecentSlots) in
/// front of a dictionary of all of them, so most of a large capture's frame words (a scipy
/// import: 2.4 M words, a few thousand distinct) are found without hashing.
struct WordFrames {
    private var recent = RecentSlots<UInt64, [Frame]>()
    private var all: [UInt64: [Frame]] = [:]

    /// The frames of `word` when it was met before.
    mutating func frames(of word: UInt64) -> [Frame]? {
        if let known = recent.value(of: word, hash: word) { return known }
        guard let known = all[word] else { return nil }
        recent.keep(known, of: word, hash: word)
        return known
    }

    /// Keeps the frames `word` resolved to.
    mutating func remember(_ frames: [Frame], of word: UInt64) {
        all[word] = frames
        recent.keep(frames, of: word, hash: word)
    }
}
