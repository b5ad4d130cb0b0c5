// swift-tools-version: 6.3
import PackageDescription

let package = Package(
    name: "Streak",
    products: [
        // A plugin is a dynamic library; the host loads it with dlopen.
        .library(name: "Streak", type: .dynamic, targets: ["Streak"])
    ],
    dependencies: [
        // Where your Trellis checkout is (or a git URL and version).
        .package(name: "Trellis", path: "../../..")
    ],
    targets: [
        .target(name: "Streak", dependencies: [.product(name: "TrellisSDK", package: "Trellis")])
    ]
)
