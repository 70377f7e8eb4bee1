import CMemgateCaptureFormat

/// A decoded capture file before symbolization: figures and frame words as the tracker wrote them.
public struct RawCapture: Sendable, Equatable {
    /// One unique stack with its figures.
    public struct Stack: Sendable, Equatable {
        /// The node of its innermost frame in `frames` (`FrameTree.none`: no frames).
        public var leaf: Int32
        public var liveBytes: Int64
        public var liveCount: Int64
        public var peakBytes: Int64
        public var peakCount: Int64
        public var totalBytes: Int64
        public var allocationCount: Int64
    }

    /// An executable range of a loaded module.
    public struct Module: Sendable, Equatable {
        public var path: String
        public var bias: UInt64
        public var start: UInt64
        public var end: UInt64
    }

    /// A Python function named by the tracker.
    public struct PythonFunction: Sendable, Equatable {
        public var name: String
        public var file: String
    }

    public var regionName: String
    public var regionIndex: Int
    public var pid: Int32
    /// True when the tracker finalized the file (the region ended normally).
    public var isFinished: Bool
    /// True when the process died in the middle of recording one event.
    public var isTorn: Bool
    /// True when the stack table filled up and some allocations were charged to an overflow stack.
    public var stacksDropped: Bool
    public var liveBytes: Int64
    public var peakBytes: Int64
    public var totalBytes: Int64
    public var allocationCount: Int64
    public var freeCount: Int64
    public var peakTimeNanoseconds: Int64
    /// CLOCK_MONOTONIC at the region's start (comparable across the processes of one machine).
    public var startNanoseconds: Int64 = 0
    public var durationNanoseconds: Int64
    public var stacks: [Stack]
    /// The frames of every stack.
    public var frames = FrameTree()
    public var pythonFunctions: [UInt64: PythonFunction]
    public var modules: [Module]
    public var timeline: [TimelineSample]
    /// Native stacks walked with learned unwind rules, and with libunwind (finished captures).
    public var fastUnwinds: Int64 = 0
    public var slowUnwinds: Int64 = 0
    /// True when the tracker's self-check found a learned rule wrong and fell back to libunwind.
    public var fastUnwindDisabled: Bool = false
    /// Allocations recorded without native frames because the thread had too little stack left.
    public var shallowUnwinds: Int64 = 0
    /// True when the capture file could not grow (disk full) and tracking stopped early.
    public var captureFull: Bool = false
    /// True when the string table (names, files) filled up and some names are empty.
    public var stringsFull: Bool = false
    /// True when the Python function table filled up and some Python frames are unnamed.
    public var pythonFunctionsFull: Bool = false
    /// The program passed to the process's last exec, when the capture was left at an exec
    /// (the new image was not tracked); nil otherwise.
    public var execPath: String?
    /// True when that exec's environment no longer preloaded the tracker.
    public var execDroppedPreload: Bool = false
    /// The process's role in the target's process tree.
    public var role: ProcessRole = .root
    /// The executable of the process that wrote the capture.
    public var program: String = ""
    /// Root captures: the high-water mark of the whole tree's combined live bytes in this
    /// region (equal to `peakBytes` when no child process ran).
    public var treePeakBytes: Int64 = 0
    /// Root captures: tracked child processes started during the region.
    public var treeChildren: Int = 0
    /// Root captures: child processes left untracked (`children: false`).
    public var untrackedChildren: Int = 0

    /// Where a capture's process sits in the target's process tree.
    public enum ProcessRole: Sendable, Equatable {
        /// The target itself (or what it exec'd into).
        case root
        /// A process the target started (fork, spawn, exec in a child).
        case descendant
    }

    /// A frame word with this bit set is a Python frame: function id and line packed below it.
    public static let pythonFrameBit = UInt64(MG_PYFRAME_BIT)
    static let pythonLineBits = UInt64(MG_PYLINE_BITS)

    /// Splits a Python frame word into (function id, line).
    public static func pythonFrame(_ word: UInt64) -> (functionID: UInt64, line: Int)? {
        guard word & pythonFrameBit != 0 else { return nil }
        let payload = word & ~pythonFrameBit
        return (payload >> pythonLineBits, Int(payload & ((1 << pythonLineBits) - 1)))
    }

    /// The module holding a native instruction address: the last entry that covers it, since
    /// the tracker appends libraries loaded later (one may reuse a closed library's addresses).
    public func module(containing address: UInt64) -> Module? {
        modules.last { address >= $0.start && address < $0.end }
    }

    /// The frame words of a stack, innermost first.
    public func words(of stack: Stack) -> [UInt64] { frames.words(from: stack.leaf) }

    /// Every distinct native address, for batch symbolization.
    public var nativeAddresses: Set<UInt64> {
        var addresses = Set<UInt64>()
        for node in frames.nodes where node.word & RawCapture.pythonFrameBit == 0 { addresses.insert(node.word) }
        return addresses
    }
}
