/// One tracked process of a target's process tree: its decoded capture and its profile.
public struct ProcessCapture: Sendable {
    public var raw: RawCapture
    public var profile: Profile

    public init(raw: RawCapture, profile: Profile) {
        self.raw = raw
        self.profile = profile
    }
}

/// Joins the captures of a target's process tree into the target's one profile. Pure.
///
/// The tree's peak is the high-water mark of the processes' *combined* live bytes, which the
/// tracker keeps exactly in a shared page (`treePeakBytes` of the root's capture), not the sum
/// of per-process peaks that may never have coincided. Each stack gets an outermost frame
/// naming its process, so sites and the flamegraph say which process allocated; each
/// process's stacks keep their figures at that process's own peak.
public enum ProcessTree {
    /// The target's profile.
    ///
    /// - Parameters:
    ///   - root: the target's own capture (what it exec'd into, if it did).
    ///   - descendants: captures of the processes it started during the same region.
    ///   - treePeakBytes: the tree's peak when the root could not record it (it did not
    ///     finalize); nil to use the root's.
    public static func combine(root: ProcessCapture, descendants: [ProcessCapture], treePeakBytes: Int64? = nil)
        -> Profile
    {
        var profile = root.profile
        if root.raw.untrackedChildren > 0 {
            profile.captureNotices =
                (profile.captureNotices ?? [])
                + [
                    "\(root.raw.untrackedChildren) child process(es) ran untracked (children: false); "
                        + "their memory is not in these figures"
                ]
        }
        guard !descendants.isEmpty else { return profile }
        let processes = [root] + descendants
        profile.stacks = processes.flatMap { process in
            let frame = processFrame(process.raw)
            return process.profile.stacks.map { stack in
                var copy = stack
                copy.frames = [frame] + stack.frames
                return copy
            }
        }
        let recorded = root.raw.isFinished ? root.raw.treePeakBytes : (treePeakBytes ?? root.raw.treePeakBytes)
        let ownPeaks = processes.map(\.profile.peakBytes)
        profile.peakBytes = max(recorded, ownPeaks.max() ?? 0)
        profile.totalBytes = processes.reduce(0) { $0 &+ $1.profile.totalBytes }
        profile.allocationCount = processes.reduce(0) { $0 &+ $1.profile.allocationCount }
        profile.bytesAtEnd = processes.reduce(0) { $0 &+ $1.profile.bytesAtEnd }
        if profile.unmeasuredReason == nil,
            let unseen = descendants.first(where: { $0.profile.unmeasuredReason != nil })
        {
            profile.unmeasuredReason =
                "\(unseen.profile.unmeasuredReason ?? "") (in child process \(programName(unseen.raw)), "
                + "pid \(unseen.raw.pid))"
        }
        let notices = processes.flatMap { $0.profile.captureNotices ?? [] }
        profile.captureNotices = notices.isEmpty ? nil : Array(Set(notices)).sorted()
        return profile
    }

    /// The outermost frame naming a process: its program's file name and its pid.
    static func processFrame(_ raw: RawCapture) -> Frame {
        Frame(function: programName(raw), module: raw.program.isEmpty ? nil : raw.program, kind: .process)
            .with(pid: Int(raw.pid))
    }

    static func programName(_ raw: RawCapture) -> String {
        let name = raw.program.split(separator: "/").last.map(String.init) ?? ""
        return name.isEmpty ? "process" : name
    }
}

extension Frame {
    fileprivate func with(pid: Int) -> Frame {
        var copy = self
        copy.pid = pid
        return copy
    }
}
