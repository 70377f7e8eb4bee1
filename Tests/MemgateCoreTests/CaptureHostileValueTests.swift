import Foundation
import Testing

@testable import MemgateCore

/// A hostile value planted in the synthetic capture (offsets from docs/capture-format.md) and the
/// error the decoder must give for it instead of a value that traps later arithmetic.
enum HostileValue: String, CaseIterable, Sendable, CustomTestStringConvertible, CaptureFault {
    case peaksAtInt64Max, stackPeaksAtInt64Max, stackPeaksSumPastMaximum, negativeStackLiveCount
    case negativeHeaderLiveBytes, totalBytesAtUInt64Max, unwindCountAtUInt64Max, treePeakAtInt64Min
    case durationPastInt64Max, timelineLiveNegative, timelineTimeAtUInt64Max, stackLeafAtUInt64Max
    case stacksOffsetNearUInt64Max, framesUsedAtUInt64Max

    var testDescription: String { rawValue }

    static let stack0 = 4096
    static let stack1 = 4096 + 72
    static let maximum = UInt64(RawCapture.maximumFigure)

    func apply(to capture: inout SyntheticCapture) {
        let stackPeak = 40
        switch self {
        case .peaksAtInt64Max:
            for offset in [72, Self.stack0 + stackPeak, Self.stack1 + stackPeak] {
                capture.set(u64: UInt64(Int64.max), at: offset)
            }
        case .stackPeaksAtInt64Max:
            for stack in [Self.stack0, Self.stack1] { capture.set(u64: UInt64(Int64.max), at: stack + stackPeak) }
        case .stackPeaksSumPastMaximum:
            // Each at the maximum, which one stack may hold; their sum may not.
            for stack in [Self.stack0, Self.stack1] { capture.set(u64: Self.maximum, at: stack + stackPeak) }
        case .negativeStackLiveCount: capture.set(u64: UInt64(bitPattern: -1), at: Self.stack1 + 32)
        case .negativeHeaderLiveBytes: capture.set(u64: UInt64(bitPattern: -64), at: 64)
        case .totalBytesAtUInt64Max: capture.set(u64: .max, at: 80)
        case .unwindCountAtUInt64Max:
            capture.set(u64: .max, at: 488)
            capture.set(u64: .max, at: 496)
        case .treePeakAtInt64Min: capture.set(u64: UInt64(bitPattern: Int64.min), at: 1032)
        case .durationPastInt64Max: capture.set(u64: 1 << 63, at: 48)
        case .timelineLiveNegative: capture.set(u64: UInt64(bitPattern: -1), at: SyntheticCapture.timelineOffset + 8)
        case .timelineTimeAtUInt64Max: capture.set(u64: .max, at: SyntheticCapture.timelineOffset + 16)
        case .stackLeafAtUInt64Max:
            capture.set(u64: .max - 1, at: Self.stack0 + 8)
        case .stacksOffsetNearUInt64Max: capture.set(u64: .max - 8, at: 112)
        case .framesUsedAtUInt64Max:
            capture.set(u64: .max, at: 136)
            capture.set(u64: .max, at: 144)
        }
        capture.seal()
    }

    var expectedError: CaptureError {
        let range = "outside 0…9007199254740992"
        switch self {
        case .peaksAtInt64Max: return .corrupt("header peak_bytes is 9223372036854775807, \(range)")
        case .stackPeaksAtInt64Max: return .corrupt("stack 0 peak_bytes is 9223372036854775807, \(range)")
        case .stackPeaksSumPastMaximum: return .corrupt("the stacks' peak_bytes add up to more than 9007199254740992")
        case .negativeStackLiveCount: return .corrupt("stack 1 live_count is -1, \(range)")
        case .negativeHeaderLiveBytes: return .corrupt("header live_bytes is -64, \(range)")
        case .totalBytesAtUInt64Max: return .corrupt("header total_bytes is 18446744073709551615, \(range)")
        case .unwindCountAtUInt64Max: return .corrupt("header fast_unwinds is 18446744073709551615, \(range)")
        case .treePeakAtInt64Min: return .corrupt("header tree_peak_bytes is -9223372036854775808, \(range)")
        case .durationPastInt64Max:
            return .corrupt("header end_ns is 9223372036854775808, past the largest time memgate reads")
        case .timelineLiveNegative: return .corrupt("timeline sample 0 live_bytes is -1, \(range)")
        case .timelineTimeAtUInt64Max:
            return .corrupt("timeline sample 1 time_ns is 18446744073709551615, past the largest time memgate reads")
        case .stackLeafAtUInt64Max: return .corrupt("stack 0 refers to frames outside the frame section")
        case .stacksOffsetNearUInt64Max: return .sectionOutOfBounds(section: "stack")
        case .framesUsedAtUInt64Max: return .sectionOutOfBounds(section: "frame")
        }
    }
}

@Suite("hostile values in a capture give a clean error, never a trap")
struct CaptureHostileValueTests {
    @Test("each hostile value is rejected at decode time, naming its field", arguments: HostileValue.allCases)
    func rejectsHostileValue(_ value: HostileValue) { expectRejected(value) }

    @Test("figures at the maximum decode, and their profile's sums do not overflow")
    func figuresAtTheMaximumDecode() throws {
        var capture = SyntheticCapture.finished()
        let half = UInt64(RawCapture.maximumFigure / 2)
        for offset in [72, 80, 1032] { capture.set(u64: UInt64(RawCapture.maximumFigure), at: offset) }
        for stack in [HostileValue.stack0, HostileValue.stack1] {
            for field in [24, 40, 56] { capture.set(u64: half, at: stack + field) }
        }
        capture.seal()
        let profile = try CaptureDecoder.decode(capture.data).profile()
        #expect(profile.peakBytes == RawCapture.maximumFigure)
        #expect(profile.stacks.map(\.bytesAtPeak).reduce(0, +) == RawCapture.maximumFigure)
        #expect(profile.topSites().map(\.bytesAtPeak).reduce(0, +) == RawCapture.maximumFigure)
    }

    @Test("tree sums: a child capture whose stacks would take the tree past the maximum does not fit")
    func treeSumsRefuseOverflow() throws {
        var capture = SyntheticCapture.finished()
        for stack in [HostileValue.stack0, HostileValue.stack1] {
            capture.set(u64: UInt64(RawCapture.maximumFigure / 2), at: stack + 40)
        }
        capture.seal()
        let raw = try CaptureDecoder.decode(capture.data)
        var sums = StackFigureSums()
        try sums.add(raw)
        #expect(throws: CaptureError.corrupt("the stacks' peak_bytes add up to more than 9007199254740992")) {
            try sums.add(raw)
        }
    }

    @Test("an error found in a file names the file; its problem is the decoder's error")
    func errorNamesFile() {
        let error = CaptureError.inFile(path: "/tmp/x.mgc", problem: .corrupt("header peak_bytes is -1"))
        #expect(error.description == "/tmp/x.mgc: capture is corrupt: header peak_bytes is -1")
        #expect(error.problem == .corrupt("header peak_bytes is -1"))
    }
}
