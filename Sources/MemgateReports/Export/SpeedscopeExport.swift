import Foundation
import MemgateCore

/// A profile in speedscope's file format (https://www.speedscope.app/file-format-schema.json):
/// two sampled profiles over shared frames, "live at peak" weighted by the bytes each stack held
/// at the peak and "allocated" weighted by all the bytes it allocated; stacks outermost first.
public enum SpeedscopeExport {
    struct File: Encodable {
        var schema = "https://www.speedscope.app/file-format-schema.json"
        var shared: Shared
        var profiles: [SampledProfile]
        var name: String
        var activeProfileIndex = 0
        var exporter = "memgate"

        enum CodingKeys: String, CodingKey {
            case schema = "$schema"
            case shared, profiles, name, activeProfileIndex, exporter
        }
    }

    struct Shared: Encodable {
        var frames: [FrameEntry]
    }

    struct FrameEntry: Encodable, Hashable {
        var name: String
        var file: String?
        var line: Int?
    }

    struct SampledProfile: Encodable {
        var type = "sampled"
        var name: String
        var unit = "bytes"
        var startValue: Int64 = 0
        var endValue: Int64
        var samples: [[Int]]
        var weights: [Int64]
    }

    /// The JSON file, keys sorted.
    public static func render(_ profile: Profile) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(file(for: profile))
    }

    static func file(for profile: Profile) -> File {
        var frames: [FrameEntry] = []
        var frameIndex: [FrameEntry: Int] = [:]
        func index(of frame: Frame) -> Int {
            let entry = FrameEntry(name: frame.function, file: frame.file ?? frame.module, line: frame.line)
            if let known = frameIndex[entry] { return known }
            frames.append(entry)
            frameIndex[entry] = frames.count - 1
            return frames.count - 1
        }
        func sampled(_ name: String, weight: (StackRecord) -> Int64) -> SampledProfile {
            let stacks = profile.stacks.filter { weight($0) > 0 }
            let weights = stacks.map(weight)
            return SampledProfile(
                name: "\(profile.regionName): \(name)", endValue: weights.reduce(0, &+),
                samples: stacks.map { $0.frames.map(index(of:)) }, weights: weights)
        }
        let profiles = [sampled("live at peak", weight: \.bytesAtPeak), sampled("allocated", weight: \.totalBytes)]
        return File(shared: Shared(frames: frames), profiles: profiles, name: profile.regionName)
    }
}
