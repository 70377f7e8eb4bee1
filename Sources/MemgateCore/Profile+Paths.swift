extension Profile {
    /// The same profile with source files under `root` written relative to it, so that site
    /// keys (and so baselines) do not depend on where the repository is checked out.
    /// - Parameter root: an absolute directory path, e.g. the repository root.
    public func relativizingFiles(to root: String) -> Profile {
        let prefix = root.hasSuffix("/") ? root : root + "/"
        var copy = self
        for stackIndex in copy.stacks.indices {
            for frameIndex in copy.stacks[stackIndex].frames.indices {
                guard let file = copy.stacks[stackIndex].frames[frameIndex].file, file.hasPrefix(prefix) else {
                    continue
                }
                copy.stacks[stackIndex].frames[frameIndex].file = String(file.dropFirst(prefix.count))
            }
        }
        return copy
    }
}
