import CMemgateCaptureFormat
import Foundation

/// Decodes the capture file format written by libmemgate_tracker.so (docs/capture-format.md).
///
/// The layout is the tracker's own: the structs of `memgate_capture_format.h`, imported from
/// the `CMemgateCaptureFormat` module. Never trusts the file: every offset and count is
/// bounds-checked and every figure range-checked (`RawCapture.maximumFigure`), so a truncated,
/// torn or hostile file gives a `CaptureError`, never a crash, and code after the decoder can
/// trust the figures it gets.
public enum CaptureDecoder {
    /// Decodes a capture from its bytes.
    public static func decode(_ data: Data) throws(CaptureError) -> RawCapture {
        try ByteReader.reading(data) { reader throws(CaptureError) in try decode(reader) }
    }

    /// Decodes a capture from bytes read in place.
    private static func decode(_ reader: ByteReader) throws(CaptureError) -> RawCapture {
        guard reader.count >= CaptureFormat.headerSize else { throw .tooShort(byteCount: reader.count) }
        guard reader.hasPrefix(CaptureFormat.magic), let header = reader.load(mg_header.self, at: 0) else {
            throw .badMagic
        }
        guard header.version == CaptureFormat.version || header.version == MG_VERSION_FLAT_FRAMES else {
            throw .unsupportedVersion(Int(header.version))
        }
        guard header.header_size == UInt32(CaptureFormat.headerSize) else {
            throw .corrupt("unexpected header size \(header.header_size)")
        }
        guard header.state == MG_STATE_RUNNING || header.state == MG_STATE_FINISHED else {
            throw .corrupt("unknown state \(header.state)")
        }
        let finished = header.state == MG_STATE_FINISHED
        if finished {
            guard header.file_size <= UInt64(reader.count) else {
                throw .truncated(expectedBytes: header.file_size, actualBytes: reader.count)
            }
        }
        let layout = try Layout(header: header, fileBytes: UInt64(reader.count), finished: finished)
        if finished {
            // The checksum covers the whole file, header included, with its own 8 bytes as zero.
            let field = CaptureFormat.checksumRange
            let bytes = reader.bytes
            let zeroedField = fnv1a(
                [UInt8](repeating: 0, count: field.count), from: 0, to: field.count,
                continuing: fnv1a(bytes, from: 0, to: field.lowerBound))
            let checksum = fnv1a(bytes, from: field.upperBound, to: Int(header.file_size), continuing: zeroedField)
            guard checksum == header.checksum else { throw .checksumMismatch }
        }
        let strings = StringTable(reader: reader, offset: Int(layout.stringsOffset), count: Int(layout.stringsUsed))
        let (stacks, frames) =
            header.version == MG_VERSION_FLAT_FRAMES
            ? try decodeFlatStacks(reader, layout: layout) : try decodeStacks(reader, layout: layout)
        var functions: [UInt64: RawCapture.PythonFunction] = [:]
        for index in 0..<Int(layout.pythonFunctionCount) {
            guard let function = reader.record(mg_pyfunc.self, in: layout.pythonFunctionsOffset, index: index) else {
                throw .sectionOutOfBounds(section: "python function")
            }
            functions[function.id] = .init(
                name: try strings.string(at: function.name_offset), file: try strings.string(at: function.file_offset))
        }
        var modules: [RawCapture.Module] = []
        for index in 0..<Int(layout.moduleCount) {
            guard let module = reader.record(mg_module.self, in: layout.modulesOffset, index: index) else {
                throw .sectionOutOfBounds(section: "module")
            }
            modules.append(
                .init(
                    path: try strings.string(at: module.path_offset), bias: module.bias, start: module.start,
                    end: module.end))
        }
        var timeline: [TimelineSample] = []
        for index in 0..<Int(layout.timelineCount) {
            guard let sample = reader.record(mg_sample.self, in: layout.timelineOffset, index: index) else {
                throw .sectionOutOfBounds(section: "timeline")
            }
            timeline.append(.init(timeNanoseconds: Int64(bitPattern: sample.time_ns), liveBytes: sample.live_bytes))
        }
        var decoded = capture(
            header: header, finished: finished, stacks: stacks, functions: functions, modules: modules,
            timeline: timeline)
        decoded.frames = frames
        try decoded.validateFigures()
        return decoded
    }

    /// When the capture's region began (`CLOCK_MONOTONIC` nanoseconds), from its header alone, so
    /// samples taken outside the target (resident memory) can be put on the capture's timeline;
    /// nil when `header` is not a capture header of this version.
    public static func regionStartNanoseconds(header: Data) -> Int64? {
        let header = try? ByteReader.reading(header) { reader throws(CaptureError) -> mg_header? in
            guard reader.count >= CaptureFormat.headerSize, reader.hasPrefix(CaptureFormat.magic) else { return nil }
            return reader.load(mg_header.self, at: 0)
        }
        guard let header = header ?? nil,
            header.version == CaptureFormat.version || header.version == MG_VERSION_FLAT_FRAMES
        else { return nil }
        return Int64(bitPattern: header.start_ns)
    }

    /// The header's figures and flags with the decoded sections.
    private static func capture(
        header: mg_header, finished: Bool, stacks: [RawCapture.Stack], functions: [UInt64: RawCapture.PythonFunction],
        modules: [RawCapture.Module], timeline: [TimelineSample]
    ) -> RawCapture {
        let flags = header.flags
        let peakTime = Int64(bitPattern: header.peak_ns)
        var capture = RawCapture(
            regionName: fixedString(header.region_name),
            regionIndex: Int(header.region_index), pid: header.pid,
            isFinished: finished, isTorn: header.commit % 2 == 1, stacksDropped: flags & MG_FLAG_STACKS_DROPPED != 0,
            liveBytes: header.live_bytes, peakBytes: header.peak_bytes,
            totalBytes: Int64(bitPattern: header.total_bytes),
            allocationCount: Int64(bitPattern: header.alloc_count), freeCount: Int64(bitPattern: header.free_count),
            peakTimeNanoseconds: peakTime,
            durationNanoseconds: finished
                ? Int64(bitPattern: header.end_ns)
                : max(timeline.last?.timeNanoseconds ?? 0, peakTime),
            stacks: stacks, pythonFunctions: functions, modules: modules, timeline: timeline)
        capture.fastUnwinds = Int64(bitPattern: header.fast_unwinds)
        capture.slowUnwinds = Int64(bitPattern: header.slow_unwinds)
        capture.fastUnwindDisabled = header.fast_unwind_off != 0
        capture.shallowUnwinds = Int64(bitPattern: header.shallow_unwinds)
        capture.startNanoseconds = Int64(bitPattern: header.start_ns)
        capture.treePeakBytes = header.tree_peak_bytes
        capture.treeChildren = Int(header.tree_children)
        capture.untrackedChildren = Int(header.untracked_children)
        capture.program = fixedString(header.program)
        capture.role = header.role == MG_ROLE_CHILD ? .descendant : .root
        capture.captureFull = flags & MG_FLAG_CAPTURE_FULL != 0
        capture.stringsFull = flags & MG_FLAG_STRINGS_FULL != 0
        capture.pythonFunctionsFull = flags & MG_FLAG_PYFUNCS_FULL != 0
        if flags & MG_FLAG_EXECED != 0 {
            capture.execPath = fixedString(header.exec_path)
            capture.execDroppedPreload = flags & MG_FLAG_EXEC_WITHOUT_PRELOAD != 0
        }
        return capture
    }

    /// The stacks and the prefix tree of their frames (version 2). Each node's parent must come
    /// before it and its depth be its parent's plus one, and each stack's depth its leaf's: so
    /// every walk from a leaf ends, after exactly the stack's depth, at an outermost frame.
    private static func decodeStacks(
        _ reader: ByteReader, layout: Layout
    ) throws(CaptureError) -> ([RawCapture.Stack], FrameTree) {
        // Node indexes are Int32 in memory (the tracker writes at most 2^24 nodes).
        guard layout.framesUsed <= UInt64(Int32.max) else { throw .sectionOutOfBounds(section: "frame") }
        let nodeCount = Int(layout.framesUsed)
        var nodes: [FrameTree.Node] = []
        nodes.reserveCapacity(nodeCount)
        var depths: [UInt32] = []
        depths.reserveCapacity(nodeCount)
        for index in 0..<nodeCount {
            guard let node = reader.record(mg_frame_node.self, in: layout.framesOffset, index: index) else {
                throw .sectionOutOfBounds(section: "frame")
            }
            // `parent` is 1 + the parent's index, so a parent before this node is at most `index`.
            let parentDepth: UInt32? =
                node.parent == 0 ? 0 : Int(node.parent) <= index ? depths[Int(node.parent) - 1] : nil
            guard let parentDepth, node.depth == parentDepth + 1, node.depth <= MG_MAX_STACK_DEPTH else {
                throw .corrupt("frame node \(index) has a parent after it or a depth not one more than its parent's")
            }
            nodes.append(.init(word: node.word, parent: Int32(node.parent) - 1))
            depths.append(node.depth)
        }
        var stacks: [RawCapture.Stack] = []
        stacks.reserveCapacity(Int(layout.stackCount))
        for index in 0..<Int(layout.stackCount) {
            guard let stack = reader.record(mg_stack.self, in: layout.stacksOffset, index: index) else {
                throw .sectionOutOfBounds(section: "stack")
            }
            let leafDepth: UInt32? =
                stack.leaf == 0 ? 0 : stack.leaf <= UInt64(nodeCount) ? depths[Int(stack.leaf) - 1] : nil
            guard leafDepth == stack.depth else {
                throw .corrupt("stack \(index) refers to frames outside the frame section")
            }
            stacks.append(record(stack, leaf: Int32(stack.leaf) - 1))
        }
        return (stacks, FrameTree(checkedNodes: nodes))
    }

    /// The same from a version 1 file, whose stacks each have their own run of frame words.
    private static func decodeFlatStacks(
        _ reader: ByteReader, layout: Layout
    ) throws(CaptureError) -> ([RawCapture.Stack], FrameTree) {
        var tree = FrameTree()
        var stacks: [RawCapture.Stack] = []
        stacks.reserveCapacity(Int(layout.stackCount))
        for index in 0..<Int(layout.stackCount) {
            guard let stack = reader.record(mg_stack.self, in: layout.stacksOffset, index: index) else {
                throw .sectionOutOfBounds(section: "stack")
            }
            let first = stack.leaf
            let depth = UInt64(stack.depth)
            // `first` is bounded before `first + depth` is formed, so the sum cannot overflow.
            guard depth <= UInt64(MG_MAX_STACK_DEPTH), first <= layout.framesUsed, first + depth <= layout.framesUsed
            else {
                throw .corrupt("stack \(index) refers to frames outside the frame section")
            }
            guard let words = reader.words(in: layout.framesOffset, index: Int(first), count: Int(depth)) else {
                throw .sectionOutOfBounds(section: "frame")
            }
            stacks.append(record(stack, leaf: tree.add(words: words)))
        }
        return (stacks, tree)
    }

    private static func record(_ stack: mg_stack, leaf: Int32) -> RawCapture.Stack {
        .init(
            leaf: leaf, liveBytes: stack.live_bytes, liveCount: stack.live_count,
            peakBytes: stack.peak_bytes, peakCount: stack.peak_count,
            totalBytes: Int64(bitPattern: stack.total_bytes),
            allocationCount: Int64(bitPattern: stack.alloc_count))
    }

    /// FNV-1a 64 of `bytes[start..<end]`, starting from `hash` (the offset basis by default)
    /// so a checksum can be computed piecewise without copying the file.
    static func fnv1a(
        _ bytes: UnsafeRawBufferPointer, from start: Int, to end: Int,
        continuing hash: UInt64 = 14_695_981_039_346_656_037
    ) -> UInt64 {
        // An empty range for a hostile file size below the header's fields, as the loop it replaced.
        guard start < end else { return hash }
        var hash = hash
        for byte in UnsafeRawBufferPointer(rebasing: bytes[start..<end]) {
            hash ^= UInt64(byte)
            hash = hash &* 1_099_511_628_211
        }
        return hash
    }

    /// `fnv1a` of an array's bytes.
    static func fnv1a(
        _ bytes: [UInt8], from start: Int, to end: Int, continuing hash: UInt64 = 14_695_981_039_346_656_037
    ) -> UInt64 {
        bytes.withUnsafeBytes { fnv1a($0, from: start, to: end, continuing: hash) }
    }
}
