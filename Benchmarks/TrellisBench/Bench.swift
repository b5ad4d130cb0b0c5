import Foundation
import TrellisHost

/// What the benchmarks share: where the repository is, durations, builds of the plugins in C and
/// Rust, and the figures they measure.
enum Bench {
    /// The repository's root (its data and fixtures are read from there).
    static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()

    /// Where generated data and plugin builds are kept between runs (inside .build, never committed).
    static var workDirectory: String { root.appendingPathComponent(".build/bench").path }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }

    /// Runs a command (found on PATH) in `directory`, throwing with its output when it fails.
    static func shell(_ arguments: [String], in directory: String? = nil) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BenchError("\(arguments.joined(separator: " ")) failed: \(text)") }
    }

    /// A C plugin built from `source` (relative to the repository) with gcc -O2.
    static func cLibrary(_ source: String) throws -> String {
        let name = URL(fileURLWithPath: source).deletingPathExtension().lastPathComponent
        let output = workDirectory + "/lib\(name).so"
        try FileManager.default.createDirectory(atPath: workDirectory, withIntermediateDirectories: true)
        try shell([
            "gcc", "-std=c11", "-O2", "-fPIC", "-shared", "-fvisibility=hidden", "-I", root.appendingPathComponent("SDK/CTrellis/include").path,
            "-o", output, root.appendingPathComponent(source).path,
        ])
        return output
    }

    /// The C sma-cross plugin, built with its own Makefile.
    static func cSMACross() throws -> String {
        let output = workDirectory + "/libsma_cross_c.so"
        try FileManager.default.createDirectory(atPath: workDirectory, withIntermediateDirectories: true)
        try shell(["make", "--quiet", "-C", root.appendingPathComponent("Plugins/sma-cross-c").path, "OUT=\(output)"])
        return output
    }

    /// The C sim-broker plugin (the fake venue's broker), built with its own Makefile.
    static func simBroker() throws -> String {
        let output = workDirectory + "/libsim_broker_c.so"
        try FileManager.default.createDirectory(atPath: workDirectory, withIntermediateDirectories: true)
        try shell(["make", "--quiet", "-C", root.appendingPathComponent("Plugins/sim-broker-c").path, "OUT=\(output)"])
        return output
    }

    /// The Rust sma-cross plugin, built with cargo (offline, release).
    static func rustSMACross() throws -> String {
        let target = workDirectory + "/cargo-target"
        try shell(
            ["cargo", "build", "--offline", "--release", "--quiet", "--target-dir", target], in: root.appendingPathComponent("Plugins/sma-cross-rust").path)
        return target + "/release/libsma_cross_rust.so"
    }

    /// The fastest of `count` runs of `body`, in seconds.
    static func best(of count: Int, _ body: () throws -> Double) rethrows -> Double {
        var fastest = Double.infinity
        for _ in 0..<count { fastest = min(fastest, try body()) }
        return fastest
    }

    /// Prepares `graph` (reading the data and loading plugins, not timed), runs it and returns the
    /// result, whose `loopSeconds` is the replay alone.
    static func backtest(_ graph: String, in directory: String) throws -> RunResult {
        try Backtest.prepare(text: graph, file: directory + "/graph.yaml").run()
    }
}

/// One measured figure, as the JSON results hold it: with its target when the performance issue
/// sets one, and whether it met it.
struct Figure: Codable {
    enum Bound: String, Codable {
        case atLeast = "at least"
        case atMost = "at most"
    }

    var benchmark: String
    var name: String
    var value: Double
    var unit: String
    var target: Double?
    var bound: Bound?
    var met: Bool?

    init(_ benchmark: String, _ name: String, _ value: Double, _ unit: String, target: Double? = nil, _ bound: Bound? = nil) {
        (self.benchmark, self.name, self.value, self.unit, self.target, self.bound) = (benchmark, name, value, unit, target, bound)
        if let target, let bound { met = bound == .atLeast ? value >= target : value <= target }
    }

    /// "12.3 M bars/s (target at least 10 M bars/s: met)".
    var verdict: String {
        guard let target, let bound, let met else { return "" }
        return "target \(bound.rawValue) \(Self.number(target)) \(unit): \(met ? "met" : "MISSED")"
    }

    static func number(_ value: Double) -> String {
        value >= 100 ? String(format: "%.0f", value) : value >= 10 ? String(format: "%.1f", value) : String(format: "%.2f", value)
    }
}

/// A benchmark that cannot run, with what to do.
struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
