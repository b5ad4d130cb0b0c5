// swift-tools-version: 6.3
import PackageDescription

let package = Package(
    name: "Trellis",
    products: [
        .executable(name: "trellis", targets: ["TrellisCLI"]),
        .executable(name: "trellis-bench", targets: ["TrellisBench"]),
        .library(name: "TrellisHost", targets: ["TrellisHost"]),
        .library(name: "TrellisSDK", targets: ["TrellisSDK"]),
        .library(name: "CTrellis", targets: ["CTrellis"]),
        // First-party plugins: each its own shared library, loaded by the host at run time.
        .library(name: "TrellisSMACross", type: .dynamic, targets: ["SMACross"]),
        .library(name: "TrellisFeatures", type: .dynamic, targets: ["Features"]),
        .library(name: "TrellisRegime", type: .dynamic, targets: ["Regime"]),
        .library(name: "TrellisGrid", type: .dynamic, targets: ["Grid"]),
        .library(name: "TrellisRisk", type: .dynamic, targets: ["Risk"]),
        .library(name: "TrellisABShadow", type: .dynamic, targets: ["ABShadow"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        // The SDK: the C ABI header (the only contract) and the Swift authoring layer.
        .target(name: "CTrellis", path: "SDK/CTrellis"),
        .target(name: "TrellisSDK", dependencies: ["CTrellis"], path: "SDK/TrellisSDK"),
        // libffi (libffi-dev), for the ffi node type.
        .target(name: "CFFI", path: "Host/CFFI", linkerSettings: [.linkedLibrary("ffi")]),
        // Signal handlers, the watchdog and guarded buffers: what must not run Swift code.
        .target(name: "CTrellisGuard", path: "Host/CTrellisGuard"),

        // The host: loader, graph, engine, feeds, simulated venue; and the command-line tool.
        .target(
            name: "TrellisHost",
            dependencies: [
                "CTrellis",
                "TrellisSDK",
                "CFFI",
                "CTrellisGuard",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Host/TrellisHost",
            resources: [.embedInCode("Graph/graph.schema.json")]
        ),
        .executableTarget(
            name: "TrellisCLI",
            dependencies: [
                "TrellisHost",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Host/TrellisCLI"
        ),

        // Benchmarks against baselines timed in the same run (docs/performance.md).
        .executableTarget(name: "TrellisBench", dependencies: ["TrellisHost", "CBenchSupport"], path: "Benchmarks/TrellisBench"),
        .target(name: "CBenchSupport", path: "Benchmarks/CBenchSupport"),

        // Plugins.
        .target(name: "SMACross", dependencies: ["TrellisSDK"], path: "Plugins/SMACross"),
        .target(name: "Features", dependencies: ["TrellisSDK"], path: "Plugins/Features"),
        .target(name: "Regime", dependencies: ["TrellisSDK"], path: "Plugins/Regime"),
        .target(name: "Grid", dependencies: ["TrellisSDK"], path: "Plugins/Grid"),
        .target(name: "Risk", dependencies: ["TrellisSDK"], path: "Plugins/Risk"),
        .target(name: "ABShadow", dependencies: ["TrellisSDK"], path: "Plugins/ABShadow"),

        .testTarget(
            name: "TrellisTests",
            dependencies: [
                "TrellisHost", "TrellisSDK", .product(name: "ZIPFoundation", package: "ZIPFoundation"), .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Tests/TrellisTests"
        ),
    ]
)

// Upcoming language features, for every Swift target.
for target in package.targets where !["CTrellis", "CFFI", "CTrellisGuard", "CBenchSupport"].contains(target.name) {
    target.swiftSettings =
        (target.swiftSettings ?? []) + [
            .enableUpcomingFeature("ExistentialAny"),
            .enableUpcomingFeature("MemberImportVisibility"),
        ]
}

// The event path of the host and the SDK runs without dynamic exclusivity checks: they cost
// 6% of a backtest's replay (docs/performance.md), and the code that owns the engine's
// state is single-threaded and never re-enters an access. Debug builds keep the checks.
for target in package.targets where ["TrellisHost", "TrellisSDK"].contains(target.name) {
    target.swiftSettings = (target.swiftSettings ?? []) + [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
}
