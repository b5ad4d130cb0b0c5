import Foundation

/// Benchmarks that time the product against a baseline measured in the same run, so the ratios
/// hold on any machine. Run them on a release build:
///
///     swift run -c release trellis-bench [ffi] [--calls N]
let arguments = Array(CommandLine.arguments.dropFirst())
let calls = arguments.firstIndex(of: "--calls").flatMap { Int(arguments[safe: $0 + 1] ?? "") } ?? 10_000_000
let chosen = arguments.filter { !$0.hasPrefix("--") && Int($0) == nil }
let benchmarks: [String: (Int) throws -> Void] = ["ffi": FFIBenchmark.run]

if let unknown = chosen.first(where: { benchmarks[$0] == nil }) {
    FileHandle.standardError.write(Data("trellis-bench: no benchmark '\(unknown)'; there is: \(benchmarks.keys.sorted().joined(separator: ", "))\n".utf8))
    exit(2)
}
do {
    for name in chosen.isEmpty ? benchmarks.keys.sorted() : chosen { try benchmarks[name]!(calls) }
} catch {
    FileHandle.standardError.write(Data("trellis-bench: \(error)\n".utf8))
    exit(1)
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
