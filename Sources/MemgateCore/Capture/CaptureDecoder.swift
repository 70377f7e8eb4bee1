import Foundation

/// Decodes the capture file format written by libmemgate_tracker.so (docs/capture-format.md).
///
/// Never trusts the file: every offset and count is bounds-checked, so a truncated,
/// torn or hostile file gives a `CaptureError`, never a crash.
public enum CaptureDecoder {
    static let headerSize = 4096
    static let stackRecordSize = 72
    static let pythonFunctionRecordSize = 16
    static let moduleRecordSize = 32
    static let sampleRecordSize = 16

    /// Decodes a capture from its bytes.
    public static func decode(_ data: Data) throws(CaptureError) -> RawCapture {
        let bytes = [UInt8](data)
        guard bytes.count >= headerSize else { throw .tooShort(byteCount: bytes.count) }
        let reader = ByteReader(bytes: bytes)
        guard Array(bytes[0..<8]) == Array("MGCAPT01".utf8) else { throw .badMagic }
        let version = reader.u32(8)
        guard version == 1 else { throw .unsupportedVersion(Int(version)) }
        guard reader.u32(12) == UInt32(headerSize) else { throw .corrupt("unexpected header size \(reader.u32(12))") }
        let commit = reader.u64(16)
        let state = reader.u32(24)
        let flags = reader.u32(28)
        let fileSize = reader.u64(104)
        guard state == 1 || state == 2 else { throw .corrupt("unknown state \(state)") }
        let finished = state == 2
        if finished {
            guard fileSize <= UInt64(bytes.count) else {
                throw .truncated(expectedBytes: fileSize, actualBytes: bytes.count)
            }
        }
        let layout = try Layout(reader: reader, fileBytes: UInt64(bytes.count), finished: finished)
        if finished {
            // The checksum covers the whole file, header included, with its own 8 bytes as zero.
            let zeroedField = fnv1a(
                [UInt8](repeating: 0, count: 8), from: 0, to: 8, continuing: fnv1a(bytes, from: 0, to: 224))
            let checksum = fnv1a(bytes, from: 232, to: Int(fileSize), continuing: zeroedField)
            guard checksum == reader.u64(224) else { throw .checksumMismatch }
        }
        let strings = StringTable(bytes: bytes, offset: Int(layout.stringsOffset), count: Int(layout.stringsUsed))
        let stacks = try decodeStacks(reader, layout: layout)
        var functions: [UInt64: RawCapture.PythonFunction] = [:]
        for index in 0..<Int(layout.pythonFunctionCount) {
            let base = Int(layout.pythonFunctionsOffset) + index * pythonFunctionRecordSize
            let name = try strings.string(at: reader.u32(base + 8))
            let file = try strings.string(at: reader.u32(base + 12))
            functions[reader.u64(base)] = .init(name: name, file: file)
        }
        var modules: [RawCapture.Module] = []
        for index in 0..<Int(layout.moduleCount) {
            let base = Int(layout.modulesOffset) + index * moduleRecordSize
            modules.append(
                .init(
                    path: try strings.string(at: reader.u32(base + 24)),
                    bias: reader.u64(base), start: reader.u64(base + 8), end: reader.u64(base + 16)))
        }
        var timeline: [TimelineSample] = []
        for index in 0..<Int(layout.timelineCount) {
            let base = Int(layout.timelineOffset) + index * sampleRecordSize
            timeline.append(
                .init(timeNanoseconds: Int64(bitPattern: reader.u64(base)), liveBytes: reader.i64(base + 8)))
        }
        let nameBytes = bytes[232..<488].prefix { $0 != 0 }
        var capture = RawCapture(
            regionName: String(decoding: nameBytes, as: UTF8.self),
            regionIndex: Int(reader.u32(36)), pid: Int32(bitPattern: reader.u32(32)),
            isFinished: finished, isTorn: commit % 2 == 1, stacksDropped: flags & 4 != 0,
            liveBytes: reader.i64(64), peakBytes: reader.i64(72), totalBytes: reader.i64(80),
            allocationCount: reader.i64(88), freeCount: reader.i64(96),
            peakTimeNanoseconds: reader.i64(56),
            durationNanoseconds: finished
                ? reader.i64(48)
                : max(timeline.last?.timeNanoseconds ?? 0, reader.i64(56)),
            stacks: stacks, pythonFunctions: functions, modules: modules, timeline: timeline)
        capture.fastUnwinds = reader.i64(488)
        capture.slowUnwinds = reader.i64(496)
        capture.fastUnwindDisabled = reader.u32(504) != 0
        capture.shallowUnwinds = reader.i64(1024)
        capture.startNanoseconds = reader.i64(40)
        capture.treePeakBytes = reader.i64(1032)
        capture.treeChildren = Int(reader.u32(1040))
        capture.untrackedChildren = Int(reader.u32(1044))
        capture.program = String(decoding: bytes[1048..<1304].prefix { $0 != 0 }, as: UTF8.self)
        capture.role = reader.u32(1304) == 2 ? .descendant : .root
        capture.captureFull = flags & 8 != 0
        capture.stringsFull = flags & 16 != 0
        capture.pythonFunctionsFull = flags & 32 != 0
        if flags & 64 != 0 {
            capture.execPath = String(decoding: bytes[512..<1024].prefix { $0 != 0 }, as: UTF8.self)
            capture.execDroppedPreload = flags & 128 != 0
        }
        return capture
    }

    private static func decodeStacks(_ reader: ByteReader, layout: Layout) throws(CaptureError) -> [RawCapture.Stack] {
        var stacks: [RawCapture.Stack] = []
        stacks.reserveCapacity(Int(layout.stackCount))
        for index in 0..<Int(layout.stackCount) {
            let base = Int(layout.stacksOffset) + index * stackRecordSize
            let first = reader.u64(base + 8)
            let depth = UInt64(reader.u32(base + 16))
            guard depth <= 4096, first <= layout.framesUsed, first + depth <= layout.framesUsed else {
                throw .corrupt("stack \(index) refers to frames outside the frame section")
            }
            var words: [UInt64] = []
            words.reserveCapacity(Int(depth))
            for word in 0..<Int(depth) { words.append(reader.u64(Int(layout.framesOffset) + (Int(first) + word) * 8)) }
            stacks.append(
                .init(
                    words: words, liveBytes: reader.i64(base + 24), liveCount: reader.i64(base + 32),
                    peakBytes: reader.i64(base + 40), peakCount: reader.i64(base + 48),
                    totalBytes: reader.i64(base + 56), allocationCount: reader.i64(base + 64)))
        }
        return stacks
    }

    /// FNV-1a 64 of `bytes[start..<end]`, starting from `hash` (the offset basis by default)
    /// so a checksum can be computed piecewise without copying the file.
    static func fnv1a(
        _ bytes: [UInt8], from start: Int, to end: Int, continuing hash: UInt64 = 14_695_981_039_346_656_037
    ) -> UInt64 {
        var hash = hash
        var index = start
        while index < end {
            hash ^= UInt64(bytes[index])
            hash = hash &* 1_099_511_628_211
            index += 1
        }
        return hash
    }
}
