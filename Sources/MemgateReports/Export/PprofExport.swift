import Foundation
import MemgateCore
import SwiftProtobuf

/// A profile as pprof's gzipped profile.proto, readable by `go tool pprof`, Pyroscope and
/// Grafana: one sample per unique stack (leaf first) with `alloc_objects`, `alloc_space`
/// (everything allocated in the region), `inuse_objects` and `inuse_space` (live **at the
/// peak**, the default view), every frame a location with one line of its function.
public enum PprofExport {
    /// Sample types in the order of Go's heap profiles; the values of each sample follow it.
    static let sampleTypes = [
        ("alloc_objects", "count"), ("alloc_space", "bytes"), ("inuse_objects", "count"), ("inuse_space", "bytes"),
    ]

    /// The gzipped file.
    public static func render(_ profile: Profile) throws -> Data {
        try Gzip.compress(try message(for: profile).serializedBytes())
    }

    /// The profile message before encoding.
    static func message(for profile: Profile) -> PprofProfile {
        var tables = PprofTables()
        var message = PprofProfile()
        message.sampleType = sampleTypes.map { PprofValueType(type: tables.string($0.0), unit: tables.string($0.1)) }
        for stack in profile.stacks where stack.allocationCount != 0 || stack.bytesAtPeak != 0 {
            var sample = PprofSample()
            sample.locationID = stack.frames.reversed().map { tables.location(of: $0) }
            sample.value = [stack.allocationCount, stack.totalBytes, stack.allocationsAtPeak, stack.bytesAtPeak]
            message.sample.append(sample)
        }
        message.durationNanos = profile.durationNanoseconds
        message.periodType = PprofValueType(type: tables.string("space"), unit: tables.string("bytes"))
        message.period = 1
        message.defaultSampleType = tables.string("inuse_space")
        message.comment = [
            tables.string("memgate: requested bytes of \(profile.regionName); inuse_* are the bytes live at the peak")
        ]
        message.location = tables.locations
        message.function = tables.functions
        message.stringTable = tables.strings
        return message
    }
}

/// The string, function and location tables of one pprof profile, each entry added once.
struct PprofTables {
    private(set) var strings = [""]
    private(set) var functions: [PprofFunction] = []
    private(set) var locations: [PprofLocation] = []
    private var stringIndex = ["": Int64(0)]
    private var functionIndex: [[String]: UInt64] = [:]
    private var locationIndex: [Frame: UInt64] = [:]

    mutating func string(_ text: String) -> Int64 {
        if let index = stringIndex[text] { return index }
        let index = Int64(strings.count)
        strings.append(text)
        stringIndex[text] = index
        return index
    }

    /// The location id of `frame`: its function (name, full symbol, file or module) and line.
    mutating func location(of frame: Frame) -> UInt64 {
        if let id = locationIndex[frame] { return id }
        var line = PprofLine()
        line.functionID = function(of: frame)
        line.line = Int64(frame.line ?? 0)
        var location = PprofLocation()
        location.id = UInt64(locations.count + 1)
        location.line = [line]
        locations.append(location)
        locationIndex[frame] = location.id
        return location.id
    }

    private mutating func function(of frame: Frame) -> UInt64 {
        let key = [frame.function, frame.fullFunction, frame.file ?? frame.module ?? ""]
        if let id = functionIndex[key] { return id }
        var function = PprofFunction()
        function.id = UInt64(functions.count + 1)
        function.name = string(key[0])
        function.systemName = string(key[1])
        function.filename = string(key[2])
        functions.append(function)
        functionIndex[key] = function.id
        return function.id
    }
}
