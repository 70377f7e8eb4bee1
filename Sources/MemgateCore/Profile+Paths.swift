extension Profile {
    /// The same profile with source files under `root` written relative to it, so that site
    /// keys (and so baselines) do not depend on where the repository is checked out.
    /// - Parameter root: an absolute directory path, e.g. the repository root.
    public func relativizingFiles(to root: String) -> Profile {
        let prefix = root.hasSuffix("/") ? root : root + "/"
        // Edited apart and stored once, and only when a file changed: each change of a profile's
        // stacks drops its memoized sites, which may have been aggregated while the tests ran.
        // Each distinct frame is looked at once (a scipy import's 2.4 M frames are a few thousand
        // distinct ones), read in place, and its copies share the edited frame.
        var edits = FrameEdits()
        var changed: [(stack: Int, frames: [Frame])] = []
        for (stackIndex, stack) in self.stacks.enumerated() {
            var edited: [Frame]? = nil
            stack.frames.withUnsafeBufferPointer { frames in
                for frameIndex in frames.indices {
                    guard let frame = edits.edited(frames[frameIndex], by: { Self.relativizing($0, prefix: prefix) })
                    else { continue }
                    if edited == nil { edited = Array(frames) }
                    edited?[frameIndex] = frame
                }
            }
            if let edited { changed.append((stackIndex, edited)) }
        }
        guard !changed.isEmpty else { return self }
        var copy = self
        var stacks = self.stacks
        for change in changed { stacks[change.stack].frames = change.frames }
        copy.stacks = stacks
        return copy
    }

    /// `frame` with its file relative when it starts with `prefix`, else nil.
    private static func relativizing(_ frame: Frame, prefix: String) -> Frame? {
        guard let file = frame.file, file.hasPrefix(prefix) else { return nil }
        var copy = frame
        copy.file = String(file.dropFirst(prefix.count))
        return copy
    }
}

/// The edit of each distinct frame (nil: unchanged) of a profile being edited, by shared
/// identity, among recent frames (RecentSlots): a frame is edited again only when another took
/// its slot. The profile keeps every frame alive meanwhile, so an identity names one frame
/// throughout. The table holds an index into the edited frames, not a frame: looking up an
/// unchanged frame, by far the most common case, then retains and releases nothing.
struct FrameEdits {
    /// The index in `editedFrames` of each recent frame's edit, or `unchanged`.
    private var recent = RecentSlots<ObjectIdentifier, Int32>()
    private var editedFrames: [Frame] = []
    private static let unchanged: Int32 = -1

    /// `frame` as `edit` changes it, nil when it does not: `edit` runs once per distinct frame
    /// (again only when another frame took its slot).
    mutating func edited(_ frame: Frame, by edit: (Frame) -> Frame?) -> Frame? {
        let identity = frame.sharedIdentity
        let hash = UInt64(UInt(bitPattern: identity))
        if let known = recent.value(of: identity, hash: hash) {
            return known == Self.unchanged ? nil : editedFrames[Int(known)]
        }
        let edited = edit(frame)
        if let edited, editedFrames.count < Int(Int32.max) {
            recent.keep(Int32(editedFrames.count), of: identity, hash: hash)
            editedFrames.append(edited)
        } else if edited == nil {
            recent.keep(Self.unchanged, of: identity, hash: hash)
        }
        return edited
    }
}
