import Foundation
import TrellisHost

/// The headline case: SMA-cross (10, 20) with a fixed 100 shares, commission 0.2% and next-bar-open
/// fills on tiled GOOG minute bars, feed → strategy → simulated venue with full accounting; the
/// strategy in Swift, C and Rust; then the same behind a regime classifier and two risk nodes
/// (four plugin nodes). Bars per second of the replay, data loading apart.
enum SMABenchmark {
    /// The graph scripts/compare-peers runs in each peer: the same cash, size and commission.
    static func graph(data: String, plugin: String?, type: String) -> String {
        """
        trellis: 1
        \(plugin.map { "plugins: { load: [\($0)] }" } ?? "")
        venue: { cash: 1000000, commission: 0.002 }
        feeds: { goog: { source: csv, path: \(data), symbol: GOOG, lot_size: 1 } }
        nodes:
          trend: { use: \(type), inputs: [goog], params: { fast: 10, slow: 20, quantity: 100, sizing: units, short: true } }
        """
    }

    /// The same strategy gated by a regime classifier, behind a circuit breaker and a loss limit.
    static func stackedGraph(data: String) -> String {
        """
        trellis: 1
        venue: { cash: 1000000, commission: 0.002 }
        feeds: { goog: { source: csv, path: \(data), symbol: GOOG, lot_size: 1 } }
        nodes:
          regime: { use: regime-classifier, inputs: [goog] }
          trend:
            use: sma-cross
            inputs: [goog]
            when: { regime: [trending-up, trending-down, ranging] }
            params: { fast: 10, slow: 20, quantity: 100, sizing: units, short: true }
          breaker: { use: circuit-breaker, inputs: [trend], params: { losses: 5, cooldown: 1h, max_cooldown: 1d, reset_after: 2d } }
          loss: { use: loss-limit, inputs: [breaker], params: { max_loss_percent: 5 } }
        """
    }

    static func run(bars: Int) throws -> [Figure] {
        let data = try TiledBars.file(bars, in: Bench.workDirectory)
        let directory = Bench.workDirectory
        print("sma: SMA-cross (10, 20), 100 shares, commission 0.2%, \(bars) tiled GOOG minute bars; replay only, best of 3")
        print("case                                   bars/s        ns/bar   trades   fills")
        var figures: [Figure] = []
        let cases: [(String, String)] = [
            ("sma-cross in Swift", graph(data: data, plugin: nil, type: "sma-cross")),
            ("sma-cross in C", graph(data: data, plugin: try Bench.cSMACross(), type: "sma-cross-c/sma-cross")),
            ("sma-cross in Rust", graph(data: data, plugin: try Bench.rustSMACross(), type: "sma-cross-rust/sma-cross")),
            ("regime + sma-cross + 2 risk nodes", stackedGraph(data: data)),
        ]
        for (index, (name, graph)) in cases.enumerated() {
            var trades = 0, fills = 0
            let seconds = try Bench.best(of: 3) {
                let result = try Bench.backtest(graph, in: directory)
                (trades, fills) = (result.trades.count + result.openTrades.count, result.fills)
                return result.loopSeconds
            }
            let rate = Double(bars) / seconds
            let target = index == 3 ? 5.0 : 10.0
            let figure = Figure("sma", name, rate / 1e6, "M bars/s", target: target, .atLeast)
            figures.append(figure)
            print(
                name.padding(toLength: 36, withPad: " ", startingAt: 0)
                    + String(format: " %7.2f M  %10.1f  %7d  %6d   ", rate / 1e6, seconds / Double(bars) * 1e9, trades, fills) + figure.verdict)
        }
        return figures
    }
}
