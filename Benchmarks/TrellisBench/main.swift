import Foundation

/// Benchmarks that time the product against a baseline measured in the same run, so the ratios
/// hold on any machine. Run them on a release build:
///
///     swift run -c release trellis-bench [ffi] [features] [--calls N] [--bars N]
let arguments = Array(CommandLine.arguments.dropFirst())
func option(_ name: String, _ fallback: Int) -> Int { arguments.firstIndex(of: name).flatMap { Int(arguments[safe: $0 + 1] ?? "") } ?? fallback }
let calls = option("--calls", 10_000_000), bars = option("--bars", 1_000_000)
let chosen = arguments.filter { !$0.hasPrefix("--") && Int($0) == nil }
let benchmarks: [String: () throws -> Void] = ["ffi": { try FFIBenchmark.run(calls: calls) }, "features": { try FeaturesBenchmark.run(bars: bars) }]

if let unknown = chosen.first(where: { benchmarks[$0] == nil }) {
    FileHandle.standardError.write(Data("trellis-bench: no benchmark '\(unknown)'; there is: \(benchmarks.keys.sorted().joined(separator: ", "))\n".utf8))
    exit(2)
}
do {
    for name in chosen.isEmpty ? benchmarks.keys.sorted() : chosen { try benchmarks[name]!() }
} catch {
    FileHandle.standardError.write(Data("trellis-bench: \(error)\n".utf8))
    exit(1)
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
