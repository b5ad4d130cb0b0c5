import Foundation
import TrellisHost

/// What a run costs before its first bar: loading each plugin library (dlopen, the ABI checks,
/// the parameter schemas, the scan of its exports; the first load in the process, as a run has
/// it; the file's SHA-256 is taken later, for the plugins a run uses) and validating a graph of
/// 50 nodes.
enum StartupBenchmark {
    static func run() throws -> [Figure] {
        let release = Bench.root.appendingPathComponent(".build/release").path
        let libraries =
            ["SMACross", "Features", "Regime", "Grid", "Risk"].map { "\(release)/libTrellis\($0).so" }
            + [try Bench.cSMACross(), try Bench.rustSMACross(), try Bench.cLibrary("Benchmarks/Fixtures/count_node.c")]
        print("startup: the first load of each plugin library in the process, and validating a 50-node graph (best of 5)")
        var figures: [Figure] = []
        var plugins: [LoadedPlugin] = []
        // A run reads its graph before it loads a plugin: the YAML reader's one-time set-up (ICU
        // compiling its resolver's patterns, about 3.5 ms) is the graph's, not the first plugin's.
        _ = GraphReader.read("trellis: 1\n", file: "warm-up.yaml")
        for path in libraries {
            let start = ContinuousClock.now
            plugins.append(try PluginLoader.load(path))
            let milliseconds = Bench.seconds(ContinuousClock.now - start) * 1e3
            let figure = Figure("startup", "load \(URL(fileURLWithPath: path).lastPathComponent)", milliseconds, "ms", target: 5, .atMost)
            figures.append(figure)
            print(
                "load " + URL(fileURLWithPath: path).lastPathComponent.padding(toLength: 26, withPad: " ", startingAt: 0)
                    + String(format: " %6.2f ms   ", milliseconds) + figure.verdict)
        }
        let graph = fiftyNodes(data: try TiledBars.file(1000, in: Bench.workDirectory))
        let seconds = try Bench.best(of: 5) {
            let start = ContinuousClock.now
            let (spec, readProblems) = GraphReader.read(graph, file: "fifty.yaml")
            guard let spec, readProblems.isEmpty else { throw BenchError("the 50-node graph does not read: \(readProblems)") }
            let (resolved, problems) = GraphValidator.resolve(spec, includeDefaultPluginPaths: false, plugins: plugins)
            guard resolved?.nodes.count == 50, problems.allSatisfy({ $0.severity != .error }) else {
                throw BenchError("the 50-node graph does not validate: \(problems)")
            }
            return Bench.seconds(ContinuousClock.now - start)
        }
        let figure = Figure("startup", "validate a 50-node graph", seconds * 1e3, "ms", target: 50, .atMost)
        print("validate a 50-node graph".padding(toLength: 31, withPad: " ", startingAt: 0) + String(format: " %6.2f ms   ", seconds * 1e3) + figure.verdict)
        return figures + [figure]
    }

    /// Ten features nodes, and ten strategies each behind three risk nodes: 50 nodes on one feed.
    static func fiftyNodes(data: String) -> String {
        var lines = ["trellis: 1", "feeds: { goog: { source: csv, path: \(data), lot_size: 1 } }", "nodes:"]
        for index in 1...10 {
            lines += [
                "  features\(index): { use: features, inputs: [goog], params: { features: [{ indicator: sma, period: \(index + 5) }, { indicator: rsi }] } }",
                "  trend\(index): { use: sma-cross-swift/sma-cross, inputs: [goog], params: { fast: \(index), slow: \(index + 20), quantity: 10, short: true } }",
                "  sizing\(index): { use: sizing, inputs: [trend\(index)], params: { method: fixed-fraction, fraction: 0.05 } }",
                "  breaker\(index): { use: circuit-breaker, inputs: [sizing\(index)], params: { losses: 3, cooldown: 1h } }",
                "  loss\(index): { use: loss-limit, inputs: [breaker\(index)], params: { max_loss_percent: 2 } }",
            ]
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
