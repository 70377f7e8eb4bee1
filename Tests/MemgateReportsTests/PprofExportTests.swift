import Foundation
import MemgateCore
import SwiftProtobuf
import Testing

@testable import MemgateReports

/// The pprof message memgate builds from a profile, decoded back with swift-protobuf.
@Suite struct PprofExportTests {
    static let profile = Profile(
        regionName: "app", peakBytes: 3_000, totalBytes: 5_000, allocationCount: 7, bytesAtEnd: 0,
        durationNanoseconds: 42,
        stacks: [
            StackRecord(
                frames: [
                    Frame(function: "main", file: "app.c", line: 9, kind: .native),
                    Frame(function: "build", symbol: "build(int)", file: "app.c", line: 3, kind: .native),
                ], bytesAtPeak: 2_000, allocationsAtPeak: 2, totalBytes: 4_000, allocationCount: 5, bytesAtEnd: 0),
            StackRecord(
                frames: [Frame(function: "main", file: "app.c", line: 9, kind: .native)], bytesAtPeak: 1_000,
                allocationsAtPeak: 1, totalBytes: 1_000, allocationCount: 2, bytesAtEnd: 0),
        ])

    @Test func samplesAreLeafFirstWithTheFourHeapValuesAndSharedTables() throws {
        let bytes: [UInt8] = try PprofExport.message(for: Self.profile).serializedBytes()
        let decoded = try PprofProfile(serializedBytes: bytes)
        let strings = decoded.stringTable
        #expect(strings.first == "")
        #expect(
            decoded.sampleType.map { "\(strings[Int($0.type)])/\(strings[Int($0.unit)])" } == [
                "alloc_objects/count", "alloc_space/bytes", "inuse_objects/count", "inuse_space/bytes",
            ])
        #expect(decoded.sample.map(\.value) == [[5, 4_000, 2, 2_000], [2, 1_000, 1, 1_000]])
        // Leaf first: `build` (met first, id 1) then `main` (id 2), which both stacks share.
        #expect(decoded.sample.map(\.locationID) == [[1, 2], [2]])
        #expect(decoded.location.map(\.id) == [1, 2])
        let names = decoded.function.map { strings[Int($0.name)] }
        let systemNames = decoded.function.map { strings[Int($0.systemName)] }
        #expect(names == ["build", "main"])
        #expect(systemNames == ["build(int)", "main"])
        #expect(decoded.location.map { $0.line.map(\.line) } == [[3], [9]])
        #expect(strings[Int(decoded.defaultSampleType)] == "inuse_space")
        #expect(decoded.durationNanos == 42)
    }

    @Test func theFileIsOneGzipMember() throws {
        let data = try PprofExport.render(Self.profile)
        #expect(Array(data.prefix(3)) == [0x1F, 0x8B, 0x08])
    }
}
