import Foundation
import Testing

/// memgate claims the platforms it serves and no others: Linux on x86-64 and aarch64.
@Suite("platforms memgate builds for")
struct PlatformTests {
    static func repositoryFile(_ name: String) throws -> String {
        try String(contentsOf: TrackerTestPaths.packageRoot.appendingPathComponent(name), encoding: .utf8)
    }

    @Test("the tracker cross-compiled for aarch64 is an aarch64 ELF shared object")
    func trackerBuildsForAarch64() throws {
        let library = try Data(contentsOf: URL(fileURLWithPath: try TrackerTestPaths.aarch64Tracker()))
        try #require(library.count > 20)
        #expect(Array(library.prefix(4)) == [0x7F, UInt8(ascii: "E"), UInt8(ascii: "L"), UInt8(ascii: "F")])
        #expect(library[4] == 2)  // ELFCLASS64
        #expect(library[5] == 1)  // little-endian
        #expect(UInt16(library[16]) | UInt16(library[17]) << 8 == 3)  // ET_DYN
        #expect(UInt16(library[18]) | UInt16(library[19]) << 8 == 183)  // EM_AARCH64
    }

    @Test("Package.swift declares no Apple platform: the tracker needs LD_PRELOAD and /proc")
    func packageDeclaresNoApplePlatform() throws {
        let manifest = try Self.repositoryFile("Package.swift")
        for platform in [".macOS(", ".iOS(", ".tvOS(", ".watchOS(", ".visionOS(", ".macCatalyst("] {
            #expect(!manifest.contains(platform), "Package.swift declares \(platform)")
        }
    }

    @Test("the Makefile names no architecture's include directory: it asks the compiler for it")
    func makefileDerivesMultiarch() throws {
        let makefile = try Self.repositoryFile("Makefile")
        for triple in ["x86_64-linux-gnu", "aarch64-linux-gnu"] {
            #expect(!makefile.contains("/usr/include/\(triple)"), "Makefile hard-codes /usr/include/\(triple)")
        }
        #expect(makefile.contains("-print-multiarch"))
    }
}
