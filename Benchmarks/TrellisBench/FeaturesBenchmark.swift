import Foundation
import TrellisHost

/// What indicators cost per bar inside a backtest: the `features` node with one value (the
/// close: the engine's and the node's own cost) against every indicator at once, and a z-score
/// from the SDK against the same z-score from C through an `ffi` node.
enum FeaturesBenchmark {
    static let everyIndicator = """
        [{ indicator: price }, { indicator: sma }, { indicator: ema }, { indicator: wma }, { indicator: rsi }, { indicator: macd },
         { indicator: bollinger }, { indicator: true_range }, { indicator: atr }, { indicator: adx }, { indicator: stochastic },
         { indicator: williams_r }, { indicator: roc }, { indicator: cci }, { indicator: obv }, { indicator: vwap, period: 20 },
         { indicator: cmf }, { indicator: keltner }, { indicator: donchian }, { indicator: aroon }, { indicator: stddev },
         { indicator: zscore }, { indicator: efficiency_ratio }, { indicator: hurst }, { indicator: realized_volatility },
         { indicator: log_return }, { indicator: time_of_day }, { indicator: day_of_week }]
        """

    static func run(bars: Int) throws -> [Figure] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("trellis-bench-\(getpid())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try writeBars(bars, to: directory + "/bars.csv")
        let stats = try FFIBenchmark.buildStatsLibrary()
        defer { try? FileManager.default.removeItem(atPath: stats) }

        print("features: \(bars) one-minute bars (GOOG's daily prices, tiled), engine run only, best of 3")
        print("graph                                    per bar     against one value")
        let cases = [
            ("features: the close (1 value)", "{ use: features, inputs: [bars], params: { features: [{ indicator: price }] } }"),
            ("features: every indicator (43 values)", "{ use: features, inputs: [bars], params: { features: \(everyIndicator) } }"),
            ("features: zscore(20)", "{ use: features, inputs: [bars], params: { features: [{ indicator: zscore, period: 20 }] } }"),
            (
                "ffi: zscore(close[20]) from C",
                "{ use: ffi, inputs: [bars], params: { library: \(stats), function: zscore, signature: 'int32 (double[], int32, double[])', arguments: ['close[20]', 20, 'out[1]'] } }"
            ),
        ]
        var baseline: Double?
        var figures: [Figure] = []
        for (name, node) in cases {
            let graph = "trellis: 1\nfeeds: { bars: { source: csv, path: bars.csv, time_format: unix_s } }\nnodes:\n  f: \(node)\n"
            let seconds = try (0..<3).map { _ in try timeRun(graph, in: directory) }.min()!
            let perBar = seconds / Double(bars) * 1e9
            baseline = baseline ?? perBar
            print(name.padding(toLength: 40, withPad: " ", startingAt: 0) + String(format: " %7.0f ns   %5.1fx", perBar, perBar / baseline!))
            figures.append(Figure("features", name, perBar, "ns/bar"))
        }
        return figures
    }

    /// Prepares the graph (reading the data, not timed) and times its run.
    static func timeRun(_ graph: String, in directory: String) throws -> Double {
        let backtest = try Backtest.prepare(text: graph, file: directory + "/graph.yaml")
        let start = ContinuousClock.now
        _ = try backtest.run()
        return Bench.seconds(ContinuousClock.now - start)
    }

    /// `count` one-minute bars from 2020-01-01 with the prices and volumes of data/GOOG.csv, repeated.
    static func writeBars(_ count: Int, to path: String) throws {
        let root = Bench.root
        let rows = try String(contentsOf: root.appendingPathComponent("data/GOOG.csv"), encoding: .utf8).split(separator: "\n").dropFirst()
            .map { $0.split(separator: ",", maxSplits: 1)[1] }
        var text = "time,Open,High,Low,Close,Volume\n"
        text.reserveCapacity(count * 60)
        let start = 1_577_836_800  // 2020-01-01T00:00:00Z
        for index in 0..<count { text += "\(start + 60 * index),\(rows[index % rows.count])\n" }
        try text.write(toFile: path, atomically: false, encoding: .utf8)
    }
}
