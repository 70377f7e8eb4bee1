import Foundation
import Testing

@testable import MemgateCore

/// A minimal capture built byte by byte after docs/capture-format.md (independently of the structs
/// in memgate_capture_format.h that the decoder imports, so the two check each other), laid
/// out as the tracker leaves a finalized file: sections packed after the 4096-byte header,
/// each starting on an 8-byte boundary.
///
///     4096  stacks    2 × 72 B  (a native stack of depth 2, a Python stack of depth 1)
///     4240  frames    3 × 16 B  nodes: 0x401100 (outermost), 0x401234 under it, the Python frame
///                               (version 1: 3 × 8 B words, and every offset below 24 B lower)
///     4288  strings   33 B "", "/usr/bin/target", "build", "target.py" (padded to 40)
///     4328  pyfuncs   1 × 16 B  (id 5: build in target.py)
///     4344  modules   1 × 32 B  (/usr/bin/target, text at 0x401000..0x402000)
///     4376  timeline  2 × 16 B
///     4408  end
struct SyntheticCapture {
    static let pythonWord: UInt64 = 1 << 63 | 5 << 24 | 7  // function 5, line 7
    static let stringsOffset = 4288
    static let modulesOffset = 4344
    static let timelineOffset = 4376
    static let fileSize = 4408

    var bytes: [UInt8] = []
    /// Bytes the frames section takes; version 1 words take 24 bytes fewer than version 2 nodes.
    private var shift = 0

    /// The finished capture, with its checksum: version 2 (frame nodes), or 1 (frame words).
    static func finished(version: UInt32 = 2) -> SyntheticCapture {
        var capture = SyntheticCapture()
        capture.shift = version == 1 ? -24 : 0
        capture.appendHeader(version: version)
        precondition(capture.bytes.count == 4096)
        // stacks: hash, leaf (version 1: frames_index), depth, reserved, live, live_count, peak,
        // peak_count, total, allocs
        capture.append(u64: 11, version == 1 ? 0 : 2); capture.append(u32: 2, 0)
        capture.append(i64: 0, 0, 1000, 2, 1500, 3)
        capture.append(u64: 22, version == 1 ? 2 : 3); capture.append(u32: 1, 0)
        capture.append(i64: 64, 1, 0, 0, 64, 1)
        if version == 1 {
            capture.append(u64: 0x401234, 0x401100, pythonWord)
        } else {
            // word, then parent (1 + index, 0: outermost) and depth
            capture.append(u64: 0x401100); capture.append(u32: 0, 1)
            capture.append(u64: 0x401234); capture.append(u32: 1, 2)
            capture.append(u64: pythonWord); capture.append(u32: 0, 1)
        }
        capture.bytes += Array("\0/usr/bin/target\0build\0target.py\0".utf8) + [UInt8](repeating: 0, count: 7)
        capture.append(u64: 5); capture.append(u32: 17, 23)
        capture.append(u64: 0x400000, 0x401000, 0x402000); capture.append(u32: 1, 0)
        capture.append(u64: 0, 0, 2000, 64)
        precondition(capture.bytes.count == capture.size)
        capture.seal()
        return capture
    }

    /// The file's size: `fileSize` for version 2.
    var size: Int { SyntheticCapture.fileSize + shift }

    private mutating func appendHeader(version: UInt32) {
        bytes += Array("MGCAPT01".utf8)
        append(u32: version, 4096)  // version, header_size
        append(u64: 2)  // commit: even, no event in progress
        append(u32: 2, 3, 4242, 1)  // state finished, flags native|python, pid, region_index
        append(u64: 1000, 4000, 1500)  // start_ns, end_ns (duration), peak_ns
        append(i64: 64, 1000, 1564, 4, 3)  // live, peak, total, allocations, frees
        append(u64: UInt64(size))
        append(u64: 4096); append(u32: 2, 2)  // stacks
        append(u64: 4240, 3, 3)  // frames
        let shift = self.shift
        let shifted = { (offset: Int) in UInt64(offset + shift) }
        append(u64: shifted(SyntheticCapture.stringsOffset), 33, 33)  // strings
        append(u64: shifted(4328)); append(u32: 1, 1)  // Python functions
        append(u64: shifted(SyntheticCapture.modulesOffset)); append(u32: 1, 1)  // modules
        append(u64: shifted(SyntheticCapture.timelineOffset)); append(u32: 2, 2)  // timeline
        append(u64: 0)  // checksum, set by seal()
        precondition(bytes.count == 232)
        bytes += Array("synthetic".utf8)
        bytes += [UInt8](repeating: 0, count: 4096 - bytes.count)
    }

    /// The FNV offset basis the tracker (capture.c) and the decoder use: standard FNV-1a 64.
    static let writtenOffsetBasis: UInt64 = standardOffsetBasis

    /// Writes the checksum of bytes [0, file_size), with the checksum field itself read as
    /// zero, into the header, as the tracker does.
    mutating func seal() {
        set(u64: 0, at: 224)
        let whole = bytes[0..<size]
        set(u64: fnv1a64(whole, offsetBasis: SyntheticCapture.writtenOffsetBasis), at: 224)
    }

    mutating func set(u64 value: UInt64, at offset: Int) { write(value, at: offset, width: 8) }
    mutating func set(u32 value: UInt32, at offset: Int) { write(UInt64(value), at: offset, width: 4) }

    var data: Data { Data(bytes) }

    private mutating func append(u64 values: UInt64...) {
        for value in values { bytes += littleEndian(value, width: 8) }
    }
    private mutating func append(i64 values: Int64...) {
        for value in values { bytes += littleEndian(UInt64(bitPattern: value), width: 8) }
    }
    private mutating func append(u32 values: UInt32...) {
        for value in values { bytes += littleEndian(UInt64(value), width: 4) }
    }
    private mutating func write(_ value: UInt64, at offset: Int, width: Int) {
        bytes.replaceSubrange(offset..<(offset + width), with: littleEndian(value, width: width))
    }
    private func littleEndian(_ value: UInt64, width: Int) -> [UInt8] {
        (0..<width).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }
    }
}

/// The offset basis of FNV-1a 64 (http://www.isthe.com/chongo/tech/comp/fnv/).
let standardOffsetBasis: UInt64 = 0xCBF2_9CE4_8422_2325

/// FNV-1a 64, written independently of the decoder's; `offsetBasis` is the starting value.
func fnv1a64<Bytes: Sequence<UInt8>>(_ bytes: Bytes, offsetBasis: UInt64 = standardOffsetBasis) -> UInt64 {
    bytes.reduce(offsetBasis) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01B3 }
}

/// A change to the synthetic capture that the decoder must reject with `expectedError`.
protocol CaptureFault {
    func apply(to capture: inout SyntheticCapture)
    var expectedError: CaptureError { get }
}

/// Applies `fault` to the synthetic capture and expects the decoder to throw its error.
func expectRejected(_ fault: some CaptureFault) {
    var capture = SyntheticCapture.finished()
    fault.apply(to: &capture)
    #expect(throws: fault.expectedError) { try CaptureDecoder.decode(capture.data) }
}

/// One way to damage the synthetic capture and the error the decoder must throw for it.
enum CaptureDamage: String, CaseIterable, Sendable, CustomTestStringConvertible, CaptureFault {
    case empty, truncatedTo100Bytes, wrongMagic, futureVersion, wrongHeaderSize, unknownState
    case finishedButCut, bodyByteFlipped, stackCountOverCapacity, timelinePastEnd, runningAndCut
    case stackFramesOutsideFrames, moduleNameOutsideStrings, unterminatedString, nodeParentAfterIt, nodeDepthWrong

    var testDescription: String { rawValue }

    func apply(to capture: inout SyntheticCapture) {
        switch self {
        case .empty: capture.bytes = []
        case .truncatedTo100Bytes: capture.bytes.removeLast(capture.bytes.count - 100)
        case .wrongMagic: capture.bytes[7] = UInt8(ascii: "2")
        case .futureVersion: capture.set(u32: 3, at: 8)
        case .wrongHeaderSize: capture.set(u32: 512, at: 12)
        case .unknownState: capture.set(u32: 3, at: 24)
        case .finishedButCut: capture.bytes.removeLast(16)
        case .bodyByteFlipped: capture.bytes[4096 + (SyntheticCapture.fileSize - 4096) / 2] ^= 0x01
        case .stackCountOverCapacity: capture.set(u32: 3, at: 124)
        case .timelinePastEnd:
            capture.set(u32: 3, at: 216)
            capture.set(u32: 3, at: 220)
        case .runningAndCut:
            capture.set(u32: 1, at: 24)
            capture.bytes.removeLast(SyntheticCapture.fileSize - 4340)
        case .stackFramesOutsideFrames:
            capture.set(u64: 4, at: 4096 + 72 + 8)  // stack 1: leaf 4 of 3 nodes
            capture.seal()
        case .moduleNameOutsideStrings:
            capture.set(u32: 99, at: SyntheticCapture.modulesOffset + 24)
            capture.seal()
        case .unterminatedString:
            capture.bytes[SyntheticCapture.stringsOffset + 32] = UInt8(ascii: "x")  // the NUL after "target.py"
            capture.seal()
        case .nodeParentAfterIt:
            capture.set(u32: 3, at: 4240 + 8)  // node 0's parent: node 2, after it
            capture.seal()
        case .nodeDepthWrong:
            capture.set(u32: 3, at: 4240 + 16 + 12)  // node 1 under an outermost frame: depth 2, not 3
            capture.seal()
        }
    }

    var expectedError: CaptureError {
        switch self {
        case .empty: return .tooShort(byteCount: 0)
        case .truncatedTo100Bytes: return .tooShort(byteCount: 100)
        case .wrongMagic: return .badMagic
        case .futureVersion: return .unsupportedVersion(3)
        case .wrongHeaderSize: return .corrupt("unexpected header size 512")
        case .unknownState: return .corrupt("unknown state 3")
        case .finishedButCut: return .truncated(expectedBytes: 4408, actualBytes: 4392)
        case .bodyByteFlipped: return .checksumMismatch
        case .stackCountOverCapacity: return .sectionOutOfBounds(section: "stack")
        case .timelinePastEnd: return .sectionOutOfBounds(section: "timeline")
        // A running capture is read up to where the file ends; the Python functions at 4328 + 16 do not fit.
        case .runningAndCut: return .truncated(expectedBytes: 4344, actualBytes: 4340)
        case .stackFramesOutsideFrames: return .corrupt("stack 1 refers to frames outside the frame section")
        case .moduleNameOutsideStrings: return .corrupt("string offset 99 outside the string section")
        case .unterminatedString: return .corrupt("unterminated string at offset 23")
        case .nodeParentAfterIt:
            return .corrupt("frame node 0 has a parent after it or a depth not one more than its parent's")
        case .nodeDepthWrong:
            return .corrupt("frame node 1 has a parent after it or a depth not one more than its parent's")
        }
    }
}

@Suite struct CaptureDecoderTests {
    @Test("the test's FNV-1a 64 matches the published test vectors")
    func testChecksumFunction() {
        #expect(fnv1a64(Array("".utf8)) == 0xCBF2_9CE4_8422_2325)
        #expect(fnv1a64(Array("a".utf8)) == 0xAF63_DC4C_8601_EC8C)
        #expect(fnv1a64(Array("foobar".utf8)) == 0x8594_4171_F739_67E8)
    }

    @Test("the decoder's checksum is the same function as the tracker's (same basis, same prime)")
    func decoderChecksumMatchesTracker() {
        let bytes = [UInt8](repeating: 0, count: 4096) + Array("foobar".utf8)
        let expected = fnv1a64(Array("foobar".utf8), offsetBasis: SyntheticCapture.writtenOffsetBasis)
        #expect(CaptureDecoder.fnv1a(bytes, from: 4096, to: bytes.count) == expected)
    }

    @Test("the capture checksum is FNV-1a 64 as memgate_capture_format.h and docs/capture-format.md say")
    func checksumIsStandardFNV1a() {
        let bytes = [UInt8](repeating: 0, count: 4096) + Array("foobar".utf8)
        #expect(CaptureDecoder.fnv1a(bytes, from: 4096, to: bytes.count) == 0x8594_4171_F739_67E8)
    }

    /// What the synthetic capture holds.
    static func syntheticExpected() -> RawCapture {
        var frames = FrameTree()
        let native = frames.add(words: [0x401234, 0x401100])
        let python = frames.add(words: [SyntheticCapture.pythonWord])
        var expected = RawCapture(
            regionName: "synthetic", regionIndex: 1, pid: 4242, isFinished: true, isTorn: false, stacksDropped: false,
            liveBytes: 64, peakBytes: 1000, totalBytes: 1564, allocationCount: 4, freeCount: 3,
            peakTimeNanoseconds: 1500, durationNanoseconds: 4000,
            stacks: [
                .init(
                    leaf: native, liveBytes: 0, liveCount: 0, peakBytes: 1000, peakCount: 2,
                    totalBytes: 1500, allocationCount: 3),
                .init(
                    leaf: python, liveBytes: 64, liveCount: 1, peakBytes: 0, peakCount: 0,
                    totalBytes: 64, allocationCount: 1),
            ],
            pythonFunctions: [5: .init(name: "build", file: "target.py")],
            modules: [.init(path: "/usr/bin/target", bias: 0x400000, start: 0x401000, end: 0x402000)],
            timeline: [.init(timeNanoseconds: 0, liveBytes: 0), .init(timeNanoseconds: 2000, liveBytes: 64)])
        expected.startNanoseconds = 1000
        expected.frames = frames
        return expected
    }

    @Test("a minimal finished capture decodes to exactly the figures and frames written")
    func decodesSyntheticCapture() throws {
        let raw = try CaptureDecoder.decode(SyntheticCapture.finished().data)
        #expect(raw == Self.syntheticExpected())
        #expect(raw.frames.nodes.map(\.parent) == [FrameTree.none, 0, FrameTree.none])
        #expect(raw.stacks.map { raw.words(of: $0) } == [[0x401234, 0x401100], [SyntheticCapture.pythonWord]])
    }

    @Test("a version 1 capture, with a run of frame words per stack, still decodes to the same")
    func decodesVersionOneCapture() throws {
        let raw = try CaptureDecoder.decode(SyntheticCapture.finished(version: 1).data)
        #expect(raw == Self.syntheticExpected())
    }

    @Test("the synthetic capture's profile: native frames outermost first, the Python frame named")
    func syntheticProfile() throws {
        let profile = try CaptureDecoder.decode(SyntheticCapture.finished().data).profile()
        #expect(profile.completion == .complete)
        // Without symbols, native frames are keyed by module and offset from the load bias.
        #expect(profile.stacks.map { $0.frames.map(\.function) } == [["target+0x1100", "target+0x1234"], ["build"]])
        #expect(profile.stacks[0].frames[0].module == "/usr/bin/target")
        #expect(profile.stacks[0].frames.map(\.moduleOffset) == [0x1100, 0x1234])
        #expect(profile.topSites().map(\.key.description) == ["target+0x1234", "build @ target.py"])
        #expect(profile.stacks[1].frames == [Frame(function: "build", file: "target.py", line: 7, kind: .python)])
        #expect(profile.stacks.map(\.bytesAtPeak) == [1000, 0])
        #expect(profile.stacks.map(\.bytesAtEnd) == [0, 64])
    }

    @Test("an inline chain expands into frames: the inlined function is the innermost, and the site")
    func inlineChainExpands() throws {
        let raw = try CaptureDecoder.decode(SyntheticCapture.finished().data)
        let inlined = Frame(
            function: "buildIndex", file: "Index.swift", line: 7, module: "/usr/bin/target", kind: .native)
        let caller = Frame(function: "main", file: "main.swift", line: 2, module: "/usr/bin/target", kind: .native)
        let profile = raw.profile(symbols: [0x401234: [inlined, caller]])
        #expect(profile.stacks[0].frames.map(\.function) == ["target+0x1100", "main", "buildIndex"])
        #expect(profile.topSites().first?.displayName == "buildIndex @ Index.swift:7")
    }

    @Test("bytes after file_size are ignored (the tracker's final ftruncate may have failed)")
    func ignoresBytesPastFileSize() throws {
        var capture = SyntheticCapture.finished()
        capture.bytes += [UInt8](repeating: 0xAB, count: 100)
        #expect(try CaptureDecoder.decode(capture.data) == CaptureDecoder.decode(SyntheticCapture.finished().data))
    }

    @Test("a running capture is read without its checksum; an odd commit marks it torn")
    func runningCapture() throws {
        var capture = SyntheticCapture.finished()
        capture.set(u32: 1, at: 24)  // running
        capture.set(u64: 3, at: 16)  // commit odd: died mid-event
        capture.set(u64: 0xDEAD, at: 224)  // a running capture's checksum is meaningless
        let raw = try CaptureDecoder.decode(capture.data)
        #expect(!raw.isFinished)
        #expect(raw.isTorn)
        #expect(raw.peakBytes == 1000)
        #expect(raw.durationNanoseconds == 2000)  // the last timeline sample, not end_ns
        #expect(raw.profile().completion == .interrupted)
    }

    @Test("each damage throws its specific CaptureError", arguments: CaptureDamage.allCases)
    func rejectsDamage(_ damage: CaptureDamage) { expectRejected(damage) }

    @Test("any single flipped byte of a finished capture's body is caught by the checksum")
    func bodyByteFlips() {
        let original = SyntheticCapture.finished()
        let caught = (4096..<SyntheticCapture.fileSize).filter { offset in
            var capture = original
            capture.bytes[offset] ^= 0x01
            do {
                _ = try CaptureDecoder.decode(capture.data)
                return false
            } catch {
                return (error as? CaptureError) == .checksumMismatch
            }
        }
        #expect(caught.count == SyntheticCapture.fileSize - 4096)
    }

    @Test("every single-byte change in the header is decoded or rejected, never a crash")
    func headerByteFlips() {
        let original = SyntheticCapture.finished()
        var outcomes = (decoded: 0, rejected: 0)
        for offset in 0..<232 {
            for mask: UInt8 in [0x01, 0x80, 0xFF] {
                var capture = original
                capture.bytes[offset] ^= mask
                do {
                    _ = try CaptureDecoder.decode(capture.data).profile().topSites()
                    outcomes.decoded += 1
                } catch {
                    outcomes.rejected += 1
                }
            }
        }
        #expect(outcomes.decoded + outcomes.rejected == 232 * 3)
        #expect(outcomes.rejected > 0)
    }
}
