import Foundation
import Synchronization

/// Builds plugins for tests: C fixtures with plain gcc, the Rust plugin with cargo. Each build is
/// done once per test process and shared.
enum PluginBuilds {
    private static let cache = Mutex<[String: String]>([:])
    private static let directory = Repository.temporaryDirectory("trellis-plugins")

    struct BuildFailure: Error, CustomStringConvertible {
        var description: String
    }

    /// Compiles `source` (relative to the repository) into a shared library with gcc, with
    /// `defines` (-D) and the SDK header, or the header in `includeDirectory`.
    /// With `hidden: false`, builds without -fvisibility=hidden, as a careless author might.
    static func c(_ source: String, defines: [String] = [], includeDirectory: String = "SDK/CTrellis/include", hidden: Bool = true) throws -> String {
        let key = ([source, includeDirectory, "\(hidden)"] + defines).joined(separator: " ")
        return try built(key) {
            try compile(source, defines: defines, includeDirectory: includeDirectory, hidden: hidden)
        }
    }

    /// Builds once per key; concurrent callers wait for the first build.
    private static func built(_ key: String, _ build: () throws -> String) throws -> String {
        try cache.withLock { cache in
            if let path = cache[key] { return path }
            let path = try build()
            cache[key] = path
            return path
        }
    }

    private static func compile(_ source: String, defines: [String], includeDirectory: String, hidden: Bool) throws -> String {
        let name = "lib" + ([URL(fileURLWithPath: source).deletingPathExtension().lastPathComponent] + defines).joined(separator: "_").lowercased() + ".so"
        let output = directory + "/" + (includeDirectory == "SDK/CTrellis/include" ? "" : "frozen_") + (hidden ? "" : "visible_") + name
        let result = try Shell.run(
            ["gcc", "-std=c11", "-O2", "-Wall", "-Wextra", "-Werror", "-pedantic", "-fPIC", "-shared"] + (hidden ? ["-fvisibility=hidden"] : [])
                + ["-I", Repository.path(includeDirectory)] + defines.map { "-D" + $0 } + ["-o", output, Repository.path(source), "-lm"])
        guard result.status == 0 else { throw BuildFailure(description: "gcc failed for \(source): \(result.stderr)") }
        return output
    }

    /// Builds the Rust crate in `crate` (relative to the repository) with `cargo build --offline`
    /// and returns its library `library`.
    static func rust(_ crate: String, library: String) throws -> String {
        try built("rust " + crate) {
            let target = directory + "/cargo-target"
            let result = try Shell.run(["cargo", "build", "--offline", "--release", "--quiet", "--target-dir", target], in: Repository.path(crate))
            guard result.status == 0 else { throw BuildFailure(description: "cargo failed for \(crate): \(result.stderr)") }
            return target + "/release/" + library
        }
    }

    /// Builds the Swift package in `package` (relative to the repository), as its author would,
    /// and returns its library `library`.
    static func swift(_ package: String, library: String) throws -> String {
        try built("swift " + package) {
            let scratch = directory + "/swift-" + URL(fileURLWithPath: package).lastPathComponent
            let result = try Shell.run(["swift", "build", "-c", "release", "--package-path", Repository.path(package), "--scratch-path", scratch])
            guard result.status == 0 else { throw BuildFailure(description: "swift build failed for \(package): \(result.stdout)\(result.stderr)") }
            return scratch + "/release/" + library
        }
    }

    /// The Rust sma-cross plugin.
    static func rustSMACross() throws -> String { try rust("Plugins/sma-cross-rust", library: "libsma_cross_rust.so") }

    /// The C sma-cross plugin, built with gcc.
    static func cSMACross() throws -> String { try c("Plugins/sma-cross-c/sma_cross.c") }
}
