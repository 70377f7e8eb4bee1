import Foundation
import Testing

@testable import MemgateCore

/// A profile in a results file (format 2): each distinct frame once in its `frames` table, each
/// stack's frames as indexes into it; format 1 files, frames spelled out, are still read.
@Suite struct ProfileCodingTests {
    static let module = Frame(function: "<module>", file: "fib.py", line: 1, kind: .python)
    static let build = Frame(function: "build_list", file: "fib.py", line: 12, kind: .python)
    static let malloc = Frame(function: "list_resize", file: "Objects/listobject.c", line: 81, kind: .native)

    static let profile = Profile(
        regionName: "parser", peakBytes: 300, totalBytes: 900, allocationCount: 3, bytesAtEnd: 100,
        stacks: [
            StackRecord(
                frames: [module, build], bytesAtPeak: 200, allocationsAtPeak: 1, totalBytes: 600, allocationCount: 2,
                bytesAtEnd: 0),
            StackRecord(
                frames: [module, build, malloc], bytesAtPeak: 100, allocationsAtPeak: 1, totalBytes: 300,
                allocationCount: 1, bytesAtEnd: 100),
        ])

    @Test func eachFrameIsWrittenOnceAndStacksReferToIt() throws {
        let data = try JSONEncoder().encode(Self.profile)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let frames = try #require(object["frames"] as? [[String: Any]])
        #expect(frames.map { $0["function"] as? String } == ["<module>", "build_list", "list_resize"])
        let stacks = try #require(object["stacks"] as? [[String: Any]])
        #expect(stacks.map { $0["frames"] as? [Int] } == [[0, 1], [0, 1, 2]])
        #expect(try JSONDecoder().decode(Profile.self, from: data) == Self.profile)
    }

    @Test func aFormatOneProfileWithFramesSpelledOutIsStillRead() throws {
        let text = """
            {"regionName": "parser", "peakBytes": 300, "totalBytes": 900, "allocationCount": 3, "bytesAtEnd": 100,
             "peakTimeNanoseconds": 0, "durationNanoseconds": 0, "completion": "complete", "timeline": [],
             "stacks": [
               {"frames": [{"function": "<module>", "file": "fib.py", "line": 1, "kind": "python"},
                           {"function": "build_list", "file": "fib.py", "line": 12, "kind": "python"}],
                "bytesAtPeak": 200, "allocationsAtPeak": 1, "totalBytes": 600, "allocationCount": 2, "bytesAtEnd": 0},
               {"frames": [{"function": "<module>", "file": "fib.py", "line": 1, "kind": "python"},
                           {"function": "build_list", "file": "fib.py", "line": 12, "kind": "python"},
                           {"function": "list_resize", "file": "Objects/listobject.c", "line": 81, "kind": "native"}],
                "bytesAtPeak": 100, "allocationsAtPeak": 1, "totalBytes": 300, "allocationCount": 1, "bytesAtEnd": 100}
             ]}
            """
        #expect(try JSONDecoder().decode(Profile.self, from: Data(text.utf8)) == Self.profile)
    }

    @Test func anIndexOutsideTheTableIsAnErrorNamingTheStack() throws {
        let text = """
            {"regionName": "x", "peakBytes": 1, "totalBytes": 1, "allocationCount": 1, "bytesAtEnd": 0,
             "peakTimeNanoseconds": 0, "durationNanoseconds": 0, "completion": "complete", "timeline": [],
             "frames": [{"function": "f", "kind": "python"}],
             "stacks": [{"frames": [0], "bytesAtPeak": 1, "allocationsAtPeak": 1, "totalBytes": 1, "allocationCount": 1,
                         "bytesAtEnd": 0},
                        {"frames": [0, 7], "bytesAtPeak": 0, "allocationsAtPeak": 0, "totalBytes": 1, "allocationCount": 1,
                         "bytesAtEnd": 0}]}
            """
        do {
            _ = try JSONDecoder().decode(Profile.self, from: Data(text.utf8))
            Issue.record("decoded a profile whose stack refers to a frame that is not in its table")
        } catch let DecodingError.dataCorrupted(context) {
            #expect(context.debugDescription.contains("stack 1 refers to frame 7"), "\(context.debugDescription)")
        }
    }
}
