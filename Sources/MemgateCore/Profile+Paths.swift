extension Profile {
    /// The same profile with source files under `root` written relative to it, so that site
    /// keys (and so baselines) do not depend on where the repository is checked out.
    /// - Parameter root: an absolute directory path, e.g. the repository root.
    public func relativizingFiles(to root: String) -> Profile {
        let prefix = root.hasSuffix("/") ? root : root + "/"
        // Edited apart and stored once, and only when a file changed: each change of a profile's
        // stacks drops its memoized sites, which may have been aggregated while the tests ran.
        // Each distinct frame is looked at once (a scipy import's 2.4 M frames are a few thousand
        // distinct ones), and its copies share the edited frame.
        var stacks = self.stacks
        var changed = false
        var edits = FrameEdits()
        for stackIndex in stacks.indices {
            for frameIndex in stacks[stackIndex].frames.indices {
                let frame = stacks[stackIndex].frames[frameIndex]
                let edited: Frame?
                if let known = edits.edit(of: frame) {
                    edited = known
                } else {
                    edited = Self.relativizing(frame, prefix: prefix)
                    edits.remember(edited, of: frame)
                }
                guard let edited else { continue }
                stacks[stackIndex].frames[frameIndex] = edited
                changed = true
            }
        }
        guard changed else { return self }
        var copy = self
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
/// identity, in a direct-mapped table: a frame is edited again only when another took its slot.
/// The profile keeps every frame alive meanwhile, so an identity names one frame throughout.
struct FrameEdits {
    private static let slotBits = 12
    private var identities = [ObjectIdentifier?](repeating: nil, count: 1 << slotBits)
    private var edits = [Frame?](repeating: nil, count: 1 << slotBits)

    /// The edit of `frame` when it was looked at: `.some(nil)` when it stays as it is.
    func edit(of frame: Frame) -> Frame?? {
        let slot = Self.slot(of: frame.sharedIdentity)
        return identities[slot] == frame.sharedIdentity ? .some(edits[slot]) : nil
    }

    /// Keeps the edit of `frame` (nil: unchanged).
    mutating func remember(_ edited: Frame?, of frame: Frame) {
        let slot = Self.slot(of: frame.sharedIdentity)
        identities[slot] = frame.sharedIdentity
        edits[slot] = edited
    }

    private static func slot(of identity: ObjectIdentifier) -> Int {
        Int(truncatingIfNeeded: (UInt64(UInt(bitPattern: identity)) &* 0x9E37_79B9_7F4A_7C15) >> UInt64(64 - slotBits))
    }
}
