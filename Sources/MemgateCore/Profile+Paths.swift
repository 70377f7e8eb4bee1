extension Profile {
    /// The same profile with source files under `root` written relative to it, so that site
    /// keys (and so baselines) do not depend on where the repository is checked out.
    /// - Parameter root: an absolute directory path, e.g. the repository root.
    public func relativizingFiles(to root: String) -> Profile {
        let prefix = root.hasSuffix("/") ? root : root + "/"
        // Edited apart and stored once, and only when a file changed: each change of a profile's
        // stacks drops its memoized sites, which may have been aggregated while the tests ran.
        var stacks = self.stacks
        var changed = false
        for stackIndex in stacks.indices {
            for frameIndex in stacks[stackIndex].frames.indices {
                guard let file = stacks[stackIndex].frames[frameIndex].file, file.hasPrefix(prefix) else { continue }
                stacks[stackIndex].frames[frameIndex].file = String(file.dropFirst(prefix.count))
                changed = true
            }
        }
        guard changed else { return self }
        var copy = self
        copy.stacks = stacks
        return copy
    }
}
