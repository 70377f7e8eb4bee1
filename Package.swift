// swift-tools-version:6.0
// Versions are pinned exactly so Package.resolved can stay out of git (see README).
import PackageDescription

let package = Package(
    name: "memgate",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "memgate", targets: ["memgate"]),
        .library(name: "MemgateCore", targets: ["MemgateCore"]),
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
        // zlib through pkg-config, for gzipped pprof files; Debian package zlib1g-dev.
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // Pure logic: config, units, capture decoding, analysis, baselines, verdicts.
        .target(
            name: "MemgateCore",
            dependencies: [.product(name: "Yams", package: "Yams")]
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
        // A Swift program with known allocations, for the demangling test.
        .executableTarget(name: "swift-alloc-fixture", path: "Tests/Fixtures/SwiftAllocFixture"),
        .testTarget(name: "MemgateCoreTests", dependencies: ["MemgateCore"]),
        .testTarget(
            name: "MemgateRuntimeTests",
            dependencies: ["MemgateCore", "MemgateRuntime"]
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
