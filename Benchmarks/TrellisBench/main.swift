import Foundation
import TrellisHost

/// Benchmarks that time the product against a baseline measured in the same run, so the ratios
/// hold on any machine. Run them on a release build:
///
///     swift run -c release trellis-bench [names…] [--calls N] [--bars N] [--json FILE]
///     swift run -c release trellis-bench latency [--seconds N]    (the live path, on its own)
///     swift run -c release trellis-bench tile N FILE    (N tiled GOOG minute bars, as CSV)
let arguments = Array(CommandLine.arguments.dropFirst())
let usage = """
    usage: trellis-bench [NAME…] [--calls N] [--bars N] [--seconds N] [--json FILE]
           trellis-bench tile N FILE

    Times the product against a baseline measured in the same run, and prints each figure next to
    its target (docs/performance.md). Build with -c release first.

      NAME          benchmarks to run (all when none): startup, csv, routing, sma, memory, features, ffi, journal;
                    and latency, run only when named: the live path against the fake venue on
                    loopback (300 symbols × 10 messages/s, then memory per symbol; about 2 × --seconds)
      --bars N      bars per replay (default 1,000,000)
      --calls N     calls for the ffi benchmark (default 10,000,000)
      --seconds N   how long the latency benchmark streams (default 20)
      --json FILE   also write every figure, its target and whether it was met, as JSON
      tile N FILE   write N tiled GOOG minute bars to FILE, as CSV
      -h, --help    show this help
    """
if arguments.contains("-h") || arguments.contains("--help") || arguments.first == "help" {
    print(usage)
    exit(0)
}
func option(_ name: String) -> String? { arguments.firstIndex(of: name).flatMap { arguments[safe: $0 + 1] } }
func option(_ name: String, _ fallback: Int) -> Int {
    guard let text = option(name) else { return fallback }
    guard let value = Int(text), value > 0 else { fail("\(name) takes a positive whole number, not '\(text)'\n\n\(usage)", status: 2) }
    return value
}
let calls = option("--calls", 10_000_000), bars = option("--bars", 1_000_000), seconds = option("--seconds", 20)
let benchmarks: [String: () throws -> [Figure]] = [
    "ffi": { try FFIBenchmark.run(calls: calls) }, "features": { try FeaturesBenchmark.run(bars: bars) },
    "sma": { try SMABenchmark.run(bars: bars) }, "routing": { try RoutingBenchmark.run(bars: bars) }, "csv": { try CSVBenchmark.run(bars: bars) },
    "memory": { try MemoryBenchmark.run() }, "startup": { try StartupBenchmark.run() }, "journal": { try JournalBenchmark.run(bars: bars) },
]
/// Benchmarks that run only when named: they take wall-clock time of their own.
let namedOnly: [String: () throws -> [Figure]] = ["latency": { try LatencyBenchmark.run(seconds: seconds) }]

func fail(_ message: String, status: Int32) -> Never {
    FileHandle.standardError.write(Data("trellis-bench: \(message)\n".utf8))
    exit(status)
}

if arguments.first == "tile" {
    guard arguments.count == 3, let count = Int(arguments[1]), count > 0 else { fail("usage: trellis-bench tile BARS FILE", status: 2) }
    do { try TiledBars.write(count, to: arguments[2]) } catch { fail("\(error)", status: 1) }
    exit(0)
}
var chosen: [String] = []
var index = 0
while index < arguments.count {
    if arguments[index].hasPrefix("-") {
        guard ["--calls", "--bars", "--seconds", "--json"].contains(arguments[index]), index + 1 < arguments.count else {
            fail("unknown option or missing value: \(arguments[index])\n\n\(usage)", status: 2)
        }
        index += 2
    } else {
        chosen.append(arguments[index])
        index += 1
    }
}
if let unknown = chosen.first(where: { benchmarks[$0] == nil && namedOnly[$0] == nil }) {
    fail(
        "no benchmark '\(unknown)'; there is: \(benchmarks.keys.sorted().joined(separator: ", ")); and, only when named: "
            + namedOnly.keys.sorted().joined(separator: ", "), status: 2)
}
do {
    var figures: [Figure] = []
    // Startup first: it times the first load of each plugin in the process.
    let order = ["startup", "csv", "routing", "sma", "memory", "features", "ffi"]
    for name in chosen.isEmpty ? order : chosen { figures += try (benchmarks[name] ?? namedOnly[name]!)() }
    if let path = option("--json") {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try OutputFile.write(try encoder.encode(figures), to: path)
    }
} catch {
    fail("\(error)", status: 1)
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
