// swift-tools-version: 6.3
import PackageDescription

let package = Package(
    name: "Trellis",
    products: [
        .executable(name: "trellis", targets: ["TrellisCLI"]),
        .executable(name: "trellis-bench", targets: ["TrellisBench"]),
        .executable(name: "trellis-fake-venue", targets: ["FakeVenueCLI"]),
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
        // The C broker for the fake venue (Plugins/sim-broker-c): built here too, so runs find it.
        .library(name: "TrellisSimBroker", type: .dynamic, targets: ["SimBroker"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/hummingbird-project/swift-websocket", from: "1.6.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
    ],
    targets: [
        // The SDK: the C ABI header (the only contract) and the Swift authoring layer.
        .target(name: "CTrellis", path: "SDK/CTrellis"),
        .target(name: "TrellisSDK", dependencies: ["CTrellis"], path: "SDK/TrellisSDK"),
        // libffi (libffi-dev), for the ffi node type.
        .target(name: "CFFI", path: "Host/CFFI", linkerSettings: [.linkedLibrary("ffi")]),
        // Signal handlers, the watchdog and guarded buffers: what must not run Swift code.
        .target(name: "CTrellisGuard", path: "Host/CTrellisGuard"),

        // libcurl (libcurl4-openssl-dev), for the host's HTTP client.
        .systemLibrary(name: "CCurl", path: "Host/CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        // The host's network services (DESIGN §10): HTTP over libcurl, WebSocket and TCP over SwiftNIO.
        .target(
            name: "TrellisNet",
            dependencies: [
                "CCurl",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "WSClient", package: "swift-websocket"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Host/TrellisNet"
        ),
        // The operator endpoint: /metrics, /health, /status and the status page.
        .target(
            name: "TrellisOperator",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Host/TrellisOperator"
        ),

        // The host: loader, graph, engine, feeds, simulated venue; and the command-line tool.
        .target(
            name: "TrellisHost",
            dependencies: [
                "CTrellis",
                "TrellisSDK",
                "CFFI",
                "CTrellisGuard",
                "TrellisNet",
                "TrellisOperator",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            path: "Host/TrellisHost",
            resources: [.embedInCode("Graph/graph.schema.json")]
        ),
        .executableTarget(
            name: "TrellisCLI",
            dependencies: [
                "TrellisHost",
                "TrellisOperator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Host/TrellisCLI"
        ),

        // Benchmarks against baselines timed in the same run (docs/performance.md).
        .executableTarget(
            name: "TrellisBench",
            dependencies: ["TrellisHost", "CBenchSupport", "FakeVenue", .product(name: "Histogram", package: "hdrhistogram-swift")],
            path: "Benchmarks/TrellisBench"),

        // A venue on loopback that speaks a documented REST + WebSocket protocol and injects
        // faults (docs/fake-venue.md): what paper and live runs trade against in tests.
        .target(
            name: "FakeVenue",
            dependencies: [
                "TrellisNet",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Tools/FakeVenue"
        ),
        .executableTarget(
            name: "FakeVenueCLI",
            dependencies: ["FakeVenue", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Tools/FakeVenueCLI"
        ),
        .target(name: "CBenchSupport", path: "Benchmarks/CBenchSupport"),

        // Plugins.
        .target(name: "SMACross", dependencies: ["TrellisSDK"], path: "Plugins/SMACross"),
        .target(name: "Features", dependencies: ["TrellisSDK"], path: "Plugins/Features"),
        .target(name: "Regime", dependencies: ["TrellisSDK"], path: "Plugins/Regime"),
        .target(name: "Grid", dependencies: ["TrellisSDK"], path: "Plugins/Grid"),
        .target(name: "Risk", dependencies: ["TrellisSDK"], path: "Plugins/Risk"),
        .target(name: "ABShadow", dependencies: ["TrellisSDK"], path: "Plugins/ABShadow"),
        .target(
            name: "SimBroker", dependencies: ["CTrellis"], path: "Plugins/sim-broker-c", exclude: ["Makefile", "README.md"], publicHeadersPath: ".",
            cSettings: [.unsafeFlags(["-fvisibility=hidden"])]),

        .testTarget(
            name: "TrellisTests",
            dependencies: [
                "TrellisHost", "TrellisSDK", "TrellisNet", "TrellisOperator", "FakeVenue",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"), .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "WSClient", package: "swift-websocket"),
                .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "NIOWebSocket", package: "swift-nio"),
            ],
            path: "Tests/TrellisTests"
        ),
    ]
)

// Upcoming language features, for every Swift target.
for target in package.targets where !["CTrellis", "CFFI", "CTrellisGuard", "CBenchSupport", "CCurl", "SimBroker"].contains(target.name) {
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
