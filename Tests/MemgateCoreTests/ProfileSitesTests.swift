import Testing

@testable import MemgateCore

@Test func sitesAggregateByFunctionAndFileAndSortByPeakBytes() {
    let a = Frame(function: "build", file: "x.py", line: 3, kind: .python)
    let a2 = Frame(function: "build", file: "x.py", line: 9, kind: .python)
    let b = Frame(function: "other", file: "y.py", line: 1, kind: .python)
    let profile = Profile(
        regionName: "r", peakBytes: 300, totalBytes: 600, allocationCount: 4, bytesAtEnd: 0,
        stacks: [
            StackRecord(
                frames: [a], bytesAtPeak: 100, allocationsAtPeak: 1, totalBytes: 100, allocationCount: 1, bytesAtEnd: 0),
            StackRecord(
                frames: [a2], bytesAtPeak: 150, allocationsAtPeak: 1, totalBytes: 150, allocationCount: 1, bytesAtEnd: 0
            ),
            StackRecord(
                frames: [b], bytesAtPeak: 50, allocationsAtPeak: 2, totalBytes: 350, allocationCount: 2, bytesAtEnd: 0),
        ])
    let sites = profile.topSites()
    #expect(sites.map(\.key.description) == ["build @ x.py", "other @ y.py"])
    #expect(sites[0].bytesAtPeak == 250)
    #expect(sites[0].line == 9)
    #expect(profile.topSites(limit: 1).count == 1)
}

@Test func runtimeFramesAreRecognisedByTheirFullSymbolWhenTheDisplayNameIsSimplified() {
    let stdlib = Frame(
        function: "specialized Array.init(repeating:count:)",
        symbol: "generic specialization <Swift.UInt8> of Swift.Array.init(repeating: A, count: Swift.Int) -> [A]",
        module: "/app/server", kind: .native)
    let user = Frame(
        function: "retainScratchBuffers(count:bytesEach:)",
        symbol: "server.retainScratchBuffers(count: Swift.Int, bytesEach: Swift.Int) -> [[Swift.UInt8]]",
        file: "Sources/server/Buffers.swift", line: 10, module: "/app/server", kind: .native)
    #expect(stdlib.isRuntimeFrame)
    #expect(!user.isRuntimeFrame)
    #expect(Frame.allocatingFrame(in: [user, stdlib]) == user)
}

@Test func framesWithoutSymbolsAreKeyedByModuleAndOffsetOnly() {
    let frame = Frame.unsymbolized(modulePath: "/opt/app dir/libfoo.so", offset: 0x1234)
    #expect(frame.function == "libfoo.so+0x1234")
    #expect(!frame.isRuntimeFrame)
    #expect(SiteKey(frame: frame).description == "libfoo.so+0x1234")
    #expect(
        SiteKey(frame: Frame(function: "swift_slowAlloc", module: "/lib/libswiftCore.so", kind: .native))
            .description == "swift_slowAlloc @ /lib/libswiftCore.so")
}

@Test func sitesFollowTheStacksWhenAProfileOrItsCopyChangesThem() {
    let a = Frame(function: "build", file: "x.py", line: 3, kind: .python)
    let b = Frame(function: "other", file: "y.py", line: 1, kind: .python)
    func stack(_ frame: Frame, _ bytes: Int64) -> StackRecord {
        StackRecord(
            frames: [frame], bytesAtPeak: bytes, allocationsAtPeak: 1, totalBytes: bytes, allocationCount: 1,
            bytesAtEnd: 0)
    }
    var profile = Profile(
        regionName: "r", peakBytes: 100, totalBytes: 100, allocationCount: 1, bytesAtEnd: 0, stacks: [stack(a, 100)])
    #expect(profile.topSites().map(\.key.description) == ["build @ x.py"])
    let before = profile
    profile.stacks.append(stack(b, 200))
    #expect(profile.topSites().map(\.key.description) == ["other @ y.py", "build @ x.py"])
    #expect(before.topSites().map(\.key.description) == ["build @ x.py"])
    profile.stacks[1].frames[0].function = "renamed"
    #expect(profile.topSites(limit: 1).map(\.key.description) == ["renamed @ y.py"])
    let relative = Profile(
        regionName: "r", peakBytes: 100, totalBytes: 100, allocationCount: 1, bytesAtEnd: 0,
        stacks: [stack(Frame(function: "f", file: "/repo/src/z.py", kind: .python), 100)])
    #expect(relative.topSites().map(\.key.description) == ["f @ /repo/src/z.py"])
    #expect(relative.relativizingFiles(to: "/repo").topSites().map(\.key.description) == ["f @ src/z.py"])
    #expect(profile == profile.relativizingFiles(to: "/elsewhere"))
}

@Test(arguments: [
    Frame(function: "malloc", module: "/lib/x86_64-linux-gnu/libc.so.6", kind: .native),
    Frame(
        function: "PyUnicode_New", file: "Objects/unicodeobject.c", module: "/usr/lib/libpython3.11.so.1.0",
        kind: .native),
    Frame(function: "operator new(unsigned long)", module: "/app/server", kind: .native),
    Frame(function: "0x7f00", kind: .native),
    Frame(function: "make_buffers", file: "app.c", line: 4, module: "/app/server", kind: .native),
    Frame(function: "build", file: "libc.so.py", line: 1, kind: .python),
    Frame(function: "server", module: "/usr/bin/server", kind: .process),
])
func theCachingClassifierAgreesWithIsRuntimeFrame(frame: Frame) {
    var classifier = RuntimeFrameClassifier()
    #expect(classifier.isRuntime(frame) == frame.isRuntimeFrame)
    #expect(classifier.isRuntime(frame) == frame.isRuntimeFrame)
}

@Test func theAllocatingFrameIsTheInnermostUserFrameOutsideProcessFrames() {
    let process = Frame(function: "server", module: "/usr/bin/server", kind: .process)
    let user = Frame(function: "make_buffers", file: "app.c", module: "/app/server", kind: .native)
    let libc = Frame(function: "malloc", module: "/lib/libc.so.6", kind: .native)
    let python = Frame(function: "build", file: "x.py", line: 2, kind: .python)
    #expect(Frame.allocatingFrame(in: [process, user, libc]) == user)
    #expect(Frame.allocatingFrame(in: [process, libc, libc]) == libc)
    #expect(Frame.allocatingFrame(in: [process]) == nil)
    #expect(Frame.allocatingFrame(in: [process, python, user, libc]) == python)
    #expect(Frame.processFrame(in: [process, python]) == process)
    #expect(Frame.processFrame(in: [python]) == nil)
}

/// Frames shared by many stacks (copies of one frame, as a capture's profile holds them) are
/// edited everywhere they appear, each copy on its own: files under the root become relative,
/// others and a mutated copy stay as they are.
@Test func relativizingEditsEveryCopyOfASharedFrameAndNothingElse() {
    let inside = Frame(function: "f", file: "/repo/src/z.py", line: 3, kind: .python)
    let outside = Frame(function: "g", file: "/usr/lib/y.py", line: 7, kind: .python)
    var renamed = inside
    renamed.function = "h"
    func stack(_ frames: [Frame]) -> StackRecord {
        StackRecord(
            frames: frames, bytesAtPeak: 1, allocationsAtPeak: 1, totalBytes: 1, allocationCount: 1, bytesAtEnd: 0)
    }
    let profile = Profile(
        regionName: "r", peakBytes: 4, totalBytes: 4, allocationCount: 4, bytesAtEnd: 0,
        stacks: [
            stack([outside, inside, inside]), stack([outside]), stack([renamed, outside, inside]), stack([inside]),
        ])
    let relative = profile.relativizingFiles(to: "/repo")
    #expect(
        relative.stacks.map { $0.frames.map { "\($0.function) \($0.file ?? "") \($0.line ?? 0)" } } == [
            ["g /usr/lib/y.py 7", "f src/z.py 3", "f src/z.py 3"], ["g /usr/lib/y.py 7"],
            ["h src/z.py 3", "g /usr/lib/y.py 7", "f src/z.py 3"], ["f src/z.py 3"],
        ])
    #expect(profile.stacks[0].frames[1].file == "/repo/src/z.py")
    #expect(relative.stacks[1] == profile.stacks[1])
}
