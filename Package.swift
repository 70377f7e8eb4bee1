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
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
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
        // Renderers from results to bytes (JUnit via libxml2, HTML, Markdown, JSON, console).
        .target(
            name: "MemgateReports",
            dependencies: ["MemgateCore", "CLibXML2"],
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
            dependencies: ["MemgateCore", "MemgateRuntime", "CMemgateCaptureFormat"]
        ),
        .testTarget(
            name: "MemgateReportsTests",
            dependencies: ["MemgateCore", "MemgateReports", "CLibXML2"],
            resources: [.copy("Resources")]
        ),
        .testTarget(name: "EndToEndTests", dependencies: ["MemgateCore", "MemgateReports"]),
    ]
)
