import Foundation

/// Paths of the repository and of what `swift build` produced, for tests.
enum Repository {
    /// The repository's root directory.
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.path
    }()

    static func path(_ relative: String) -> String { root + "/" + relative }

    /// The directory holding the test executable: `swift build` puts the plugin libraries and
    /// the `trellis` executable there.
    static let buildDirectory: String = {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: executable).deletingLastPathComponent().path
    }()

    /// The Swift sma-cross plugin built by SwiftPM.
    static var swiftSMACross: String { buildDirectory + "/libTrellisSMACross.so" }
    /// The shadow tester plugin (ab-shadow).
    static var abShadow: String { buildDirectory + "/libTrellisABShadow.so" }

    /// The `trellis` executable built by SwiftPM.
    static var trellis: String { buildDirectory + "/trellis" }

    /// A new empty directory under the system's temporary directory.
    static func temporaryDirectory(_ name: String = "trellis-test") -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    /// A copy of the layout an example expects, in a new directory: `examples/<graph>` and the
    /// data files it reads (linked from data/). Returns the directory.
    static func exampleCopy(_ graph: String, data: [String]) throws -> String {
        let root = temporaryDirectory("trellis-example")
        for directory in ["examples", "data"] { try FileManager.default.createDirectory(atPath: root + "/" + directory, withIntermediateDirectories: true) }
        try FileManager.default.copyItem(atPath: path("examples/" + graph), toPath: root + "/examples/" + graph)
        for file in data { try FileManager.default.createSymbolicLink(atPath: root + "/data/" + file, withDestinationPath: path("data/" + file)) }
        return root
    }
}
