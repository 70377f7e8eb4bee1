// swift-tools-version:6.0
// Versions are pinned exactly so Package.resolved can stay out of git (see README).
import PackageDescription

let package = Package(
    // Linux only (x86-64, aarch64): the tracker is an LD_PRELOAD library and memgate reads /proc,
    // so no Apple platform is declared. SwiftPM has no way to declare Linux alone.
    name: "memgate",
    products: [
        .executable(name: "memgate", targets: ["memgate"]),
        .library(name: "MemgateCore", targets: ["MemgateCore"]),
        // The preload library's objects, for packages that gate their executables with the plugin
        // below, which links them into libmemgate_tracker.so with the C compiler: a dynamic product
        // would be linked by swiftc, which adds the Swift runtime to any library it links.
        .library(name: "memgate_tracker", type: .static, targets: ["CMemgateTracker"]),
        // `swift package --allow-writing-to-package-directory memgate run [--config memgate.yml]`
        .plugin(name: "MemgatePlugin", targets: ["MemgatePlugin"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
        // pprof export (profile.proto); the runtime library only, no code generation plugin.
        .package(url: "https://github.com/apple/swift-protobuf", exact: "1.39.0"),
    ],
    targets: [
        // libxml2 through pkg-config; Debian package libxml2-dev.
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        // The capture file's layout, header only: the tracker (built by `make tracker`) and the
        // Swift reader both take it from include/memgate_capture_format.h.
        .target(name: "CMemgateCaptureFormat"),
        // The preload library as SwiftPM builds it (the memgate_tracker product, for the command
        // plugin). `make tracker` builds the same sources with the Makefile's flags for the tests
        // and the wheel. It links only libc, libdl, pthread and libunwind (Debian: libunwind-dev).
        // Only the Makefile's exported symbols are public (memgate_*, the allocation hooks).
        .target(
            name: "CMemgateTracker",
            dependencies: ["CMemgateCaptureFormat"],
            cSettings: [.unsafeFlags(["-fvisibility=hidden", "-fno-omit-frame-pointer"])],
            linkerSettings: [
                .linkedLibrary("unwind"), .linkedLibrary("dl"), .linkedLibrary("pthread"),
            ]
        ),
        // zlib through pkg-config, for gzipped pprof files; Debian package zlib1g-dev.
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // Pure logic: config, units, capture decoding, analysis, baselines, verdicts.
        .target(
            name: "MemgateCore",
            dependencies: ["CMemgateCaptureFormat", .product(name: "Yams", package: "Yams")]
        ),
        // fork/exec of a target with what Foundation's Process cannot set: a parent-death signal,
        // no inherited descriptors, default signal dispositions.
        .target(name: "CMemgateSpawn"),
        // I/O at the edges: running targets, symbolizing, files on disk.
        .target(
            name: "MemgateRuntime",
            dependencies: ["MemgateCore", "CMemgateSpawn"],
            resources: [.copy("Python")]
        ),
        // Renderers from results to bytes (JUnit via libxml2, HTML, Markdown, JSON, console) and
        // profile exports (pprof via swift-protobuf and zlib, speedscope).
        .target(
            name: "MemgateReports",
            dependencies: [
                "MemgateCore", "CLibXML2", "CZlib", .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            resources: [.copy("Assets")]
        ),
        .executableTarget(
            name: "memgate",
            dependencies: [
                "MemgateCore", "MemgateRuntime", "MemgateReports",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Builds the package's executables and the tracker in release, runs memgate on them and
        // exits with memgate's status; writes baselines and artifacts inside the package.
        .plugin(
            name: "MemgatePlugin",
            capability: .command(
                intent: .custom(
                    verb: "memgate",
                    description: "Build the executables and the tracker in release, then run memgate"),
                permissions: [
                    .writeToPackageDirectory(
                        reason: "memgate writes artifacts and, with --update-baselines, baselines in the package")
                ]),
            dependencies: ["memgate"]
        ),
        // A Swift program with known allocations, for the demangling test.
        .executableTarget(name: "swift-alloc-fixture", path: "Tests/Fixtures/SwiftAllocFixture"),
        .testTarget(name: "MemgateCoreTests", dependencies: ["MemgateCore"]),
        .testTarget(
            name: "MemgateRuntimeTests",
            dependencies: ["MemgateCore", "MemgateRuntime", "CMemgateCaptureFormat"]
        ),
        .testTarget(
            name: "MemgateReportsTests",
            dependencies: [
                "MemgateCore", "MemgateReports", "CLibXML2", .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            resources: [.copy("Resources")]
        ),
        .testTarget(name: "EndToEndTests", dependencies: ["MemgateCore", "MemgateReports"]),
    ]
)
