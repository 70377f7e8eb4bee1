import Foundation
import MemgateCore
import Testing

@testable import MemgateRuntime

/// The readable name of `corpus::buildIndex` in Tests/Fixtures/Cpp/inlined_index.cpp.
private let buildIndexName = "corpus::buildIndex(std::map<std::string, std::vector<std::string>>&, unsigned long)"
/// What llvm-symbolizer prints for it, which the JSON results and tooltips keep.
private let buildIndexSymbolPrefix =
    "corpus::buildIndex(std::map<std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >, "

/// Native sites of optimized, stripped and oddly placed binaries: inline chains expanded,
/// frames without symbols keyed by module + offset, names readable with the full symbol kept.
@Suite("native sites on real binaries", .timeLimit(.minutes(2)))
struct NativeSiteTests {
    /// The site of the 3 MiB buffer: `buildIndex`, inlined into `main` by g++ -O2.
    private func checkBuildIndexSite(program: String) throws {
        let line = try lineNumber(
            containing: "new std::vector<char>(bytes)", in: TrackerTestPaths.fixtureSource("Cpp/inlined_index.cpp"))
        try withTemporaryDirectory { directory in
            let run = try TrackedRun.record(.native(arguments: [program]), nativeFrames: true, in: directory)
            #expect(run.outcome.processEnd == .exited(code: 0))
            let profile = try CaptureSet.profile(path: try #require(run.capturePaths.first))
            let top = try #require(profile.topSites(limit: 1).first)
            #expect(top.key == SiteKey(function: buildIndexName, file: "Tests/Fixtures/Cpp/inlined_index.cpp"))
            #expect(top.line == line)
            // 3 MiB buffer + 24 B vector object + 88 B map node + 4 × 32 B reserved strings.
            #expect(top.bytesAtPeak == 3_145_968)
            #expect(top.allocationsAtPeak == 4)
            let frames = try #require(profile.stacks.first { $0.bytesAtPeak == 3 * 1_048_576 }?.frames)
            let site = try #require(frames.last { $0.function == buildIndexName })
            #expect(site.symbol?.hasPrefix(buildIndexSymbolPrefix) == true)
            // The inlined frame sits between main (its caller, same address) and std::vector's constructor.
            let index = try #require(frames.firstIndex(of: site))
            #expect(frames[index - 1].function == "main")
            #expect(
                frames[index + 1].function == "std::vector<char>::vector(unsigned long, std::allocator<char> const&)")
        }
    }

    @Test("g++ -O2: the site is the inlined buildIndex at its file:line, not main")
    func inlinedFunctionIsTheSite() throws {
        try checkBuildIndexSite(program: try TrackerTestPaths.fixture("inlined_index"))
    }

    /// A pytest target's captures share their addresses: the frames named for the first are
    /// kept, and must be those a fresh symbolizer names.
    @Test("a capture symbolized again by the same symbolizer gets the same frames")
    func namedFramesAreKeptAndTheSame() throws {
        let program = try TrackerTestPaths.fixture("inlined_index")
        try withTemporaryDirectory { directory in
            let run = try TrackedRun.record(.native(arguments: [program]), nativeFrames: true, in: directory)
            let raw = try CaptureSet.decode(path: try #require(run.capturePaths.first))
            let symbolizer = NativeSymbolizer()
            let first = symbolizer.symbolize(raw)
            let again = symbolizer.symbolize(raw)
            #expect(first == again)
            #expect(NativeSymbolizer().symbolize(raw) == first)
            #expect(first.values.contains { $0.contains { $0.function == buildIndexName } })
        }
    }

    @Test("a binary under a directory with a space is symbolized")
    func modulePathWithSpace() throws {
        try checkBuildIndexSite(program: try TrackerTestPaths.fixture("dir with space/inlined_index"))
    }

    @Test("a stripped binary run twice gives the same module+offset site keys")
    func strippedBinaryKeysAreStable() throws {
        let program = try TrackerTestPaths.fixture("exact_peak_stripped")
        func siteKeys() throws -> [SiteKey] {
            try withTemporaryDirectory { directory in
                let run = try TrackedRun.record(.native(arguments: [program]), nativeFrames: true, in: directory)
                #expect(run.outcome.processEnd == .exited(code: 0))
                let profile = try CaptureSet.profile(path: try #require(run.capturePaths.first))
                return profile.topSites().filter { $0.bytesAtPeak > 0 }.map(\.key)
            }
        }
        let first = try siteKeys()
        let second = try siteKeys()
        #expect(first == second)
        // hold_megabyte's 3 × 1 MiB and hold_odd_bytes' 12 345 B, each at its call's return address.
        try #require(first.count == 2, "sites: \(first)")
        for key in first {
            #expect(key.file == "")
            #expect(key.function.hasPrefix("exact_peak_stripped+0x"))
            #expect(UInt64(key.function.dropFirst("exact_peak_stripped+0x".count), radix: 16) != nil)
        }
    }

    @Test("module paths are quoted for llvm-symbolizer's standard input")
    func quoting() {
        #expect(NativeSymbolizer.quoted(modulePath: "/opt/my app/lib.so") == "\"/opt/my app/lib.so\"")
        #expect(NativeSymbolizer.quoted(modulePath: "/opt/say \"hi\"/lib.so") == "'/opt/say \"hi\"/lib.so'")
        #expect(NativeSymbolizer.quoted(modulePath: "/opt/both\"'/lib.so") == nil)
    }

    @Test("a swift-nio closure symbol reads as swift demangle --simplified prints it")
    func swiftClosureName() {
        let mangled =
            "$s8NIOPosix14ThreadOpsPosixV3run6handle4argsys6UInt64VSgz_AA3BoxCyyt_s15ContiguousArrayVyAA0gD0VGtGtFZSvSgSvSgcfU_"
        let names = NativeSymbolizer.names(of: mangled, simplifiedSwift: SwiftDemangler().simplify([mangled]))
        #expect(names.display == "closure #1 in static ThreadOpsPosix.run(handle:args:)")
        #expect(names.full.hasPrefix("closure #1 (Swift.Optional<Swift.UnsafeMutableRawPointer>) -> "))
    }

    @Test("Swift names: simplified for display, full demangled as the symbol")
    func swiftNames() {
        let mangled = "$s4main20retainScratchBuffers5count9bytesEachSaySays5UInt8VGGSi_SitF"
        let names = NativeSymbolizer.names(
            of: mangled, simplifiedSwift: SwiftDemangler().simplify([mangled]))
        #expect(names.display == "retainScratchBuffers(count:bytesEach:)")
        #expect(
            names.full
                == "main.retainScratchBuffers(count: Swift.Int, bytesEach: Swift.Int) -> Swift.Array<Swift.Array<Swift.UInt8>>"
        )
    }
}
