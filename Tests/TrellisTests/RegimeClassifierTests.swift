import CTrellis
import Foundation
import Testing
import TrellisHost

/// The regime classifier on synthetic series whose answer is known: a sine wave ranges, a ramp
/// trends, a burst of large moves is volatile; and a minimum dwell stops a label flapping on a
/// noisy boundary.
@Suite struct RegimeClassifierTests {
    static var library: String { Repository.buildDirectory + "/libTrellisRegime.so" }

    /// Hourly bars (open, high, low, close) from 2024-01-01, as a CSV with epoch seconds.
    static func write(_ bars: [(Double, Double, Double, Double)], to scenario: Scenario, name: String = "series.csv") -> String {
        var lines = ["time,Open,High,Low,Close,Volume"]
        for (index, bar) in bars.enumerated() { lines.append("\(1_704_067_200 + 3600 * index),\(bar.0),\(bar.1),\(bar.2),\(bar.3),1000") }
        return scenario.write(name, lines.joined(separator: "\n") + "\n")
    }

    /// Bars through the given closes, each opening at the previous close and reaching `wick`
    /// beyond its body.
    static func bars(closes: [Double], wick: Double) -> [(Double, Double, Double, Double)] {
        var previous = closes[0]
        return closes.map { close in
            defer { previous = close }
            return (previous, max(previous, close) + wick, min(previous, close) - wick, close)
        }
    }

    /// The labels the classifier emits on `bars`, one per bar after its warm-up.
    private func labels(_ bars: [(Double, Double, Double, Double)], params: String = "{}", tag: String) throws -> [TestNodes.Received] {
        let scenario = Scenario()
        let path = Self.write(bars, to: scenario)
        _ = try scenario.run(
            """
            trellis: 1
            plugins: { load: [\(Self.library)] }
            feeds: { s: { source: csv, path: \(path), time_format: unix_s } }
            nodes:
              regime: { use: regime-classifier, inputs: [s], params: \(params) }
              watch: { use: test-observer, inputs: [regime], params: { tag: \(tag) } }
            """)
        return TestNodes.log(tag, "watch").of(TRELLIS_EVENT_SIGNAL)
    }

    @Test func aSineWaveRanges() throws {
        let closes = (0..<300).map { 100 + 2 * sin(2 * Double.pi * Double($0) / 8) }
        let signals = try labels(Self.bars(closes: closes, wick: 0.3), tag: "regime-sine")
        #expect(signals.count == 300 - 27, "a signal per bar from the first with every measure (ADX: 28 bars)")
        let labels = signals.map(\.label)
        #expect(Set(labels) == ["ranging"], "\(Dictionary(grouping: labels, by: { $0 }).mapValues(\.count))")
        #expect(signals.allSatisfy { $0.confidence > 0.5 && $0.confidence <= 1 })
    }

    @Test func aRampTrendsItsWay() throws {
        let up = try labels(Self.bars(closes: (0..<200).map { 100 + 0.5 * Double($0) }, wick: 0.2), tag: "regime-up")
        #expect(Set(up.map(\.label)) == ["trending-up"])
        #expect(up.last!.confidence == 1, "ADX near 100 and an efficiency of 1 are as sure as it gets")
        let down = try labels(Self.bars(closes: (0..<200).map { 200 - 0.5 * Double($0) }, wick: 0.2), tag: "regime-down")
        #expect(Set(down.map(\.label)) == ["trending-down"])
    }

    @Test func aBurstOfLargeMovesIsVolatile() throws {
        var random = SeededRandom(seed: 7)
        let calm = (0..<100).map { 100 + 2 * sin(2 * Double.pi * Double($0) / 8) }
        var wild = [calm.last!]
        for _ in 0..<100 { wild.append(wild.last! * (1 + (random.unit() - 0.5) * 0.12)) }
        let bars = Self.bars(closes: calm, wick: 0.3) + Self.bars(closes: wild, wick: 1.5).dropFirst()
        let signals = try labels(bars, tag: "regime-burst")
        // A signal per bar from bar 27 (ADX's warm-up) on.
        #expect(signals.count == 200 - 27)
        #expect(Set(signals.prefix(100 - 27).map(\.label)) == ["ranging"])
        #expect(signals.suffix(from: 130 - 27).allSatisfy { $0.label == "volatile" }, "\(Set(signals.suffix(from: 130 - 27).map(\.label)))")
    }

    /// Flat closes with bars alternately calm (a 1% range: ranging) and wide (a 4% range:
    /// volatile) in runs of 1 to 3 bars, then ten wide bars: ATR over one bar sees each.
    static let noisyBoundary: [(Double, Double, Double, Double)] = {
        var bars: [(Double, Double, Double, Double)] = Array(repeating: (100, 100.5, 99.5, 100), count: 30)
        for (index, run) in [1, 2, 1, 3, 2, 1, 1, 3, 2, 2, 1, 3, 1, 2].enumerated() {
            let wide = index % 2 == 0
            bars += Array(repeating: wide ? (100, 102, 98, 100) : (100, 100.5, 99.5, 100), count: run)
        }
        return bars + Array(repeating: (100, 102, 98, 100), count: 10)
    }()

    @Test func aMinimumDwellStopsFlapping() throws {
        let params = { (dwell: Int) in "{ atr_period: 1, adx_period: 5, volatile_atr_percent: 3, min_dwell: \(dwell) }" }
        let flapping = try labels(Self.noisyBoundary, params: params(1), tag: "regime-dwell-1").map(\.label)
        let steady = try labels(Self.noisyBoundary, params: params(4), tag: "regime-dwell-4").map(\.label)
        func runs(_ labels: [String]) -> [Int] {
            labels.reduce(into: [(String, Int)]()) { runs, label in
                if runs.last?.0 == label { runs[runs.count - 1].1 += 1 } else { runs.append((label, 1)) }
            }.map(\.1)
        }
        #expect(runs(flapping).count > 10, "without a dwell the label follows every bar: \(runs(flapping))")
        #expect(runs(steady).count == 2, "ranging, then volatile once the wide bars last: \(runs(steady))")
        #expect(steady.last == "volatile" && steady.first == "ranging")
        // The change comes on the fourth wide bar of the final run.
        #expect(runs(steady).last == 10 - 3)
    }

    @Test func thresholdsThatLeaveNoGapAreRefused() throws {
        let scenario = Scenario()
        let path = Self.write(Self.bars(closes: [100, 101], wick: 0.1), to: scenario)
        let problems = scenario.problems(
            """
            trellis: 1
            plugins: { load: [\(Self.library)] }
            feeds: { s: { source: csv, path: \(path), time_format: unix_s } }
            nodes:
              regime: { use: regime-classifier, inputs: [s], params: { trend_adx: 20, range_adx: 25 } }
            """)
        let text = problems.map(\.description).joined()
        #expect(text.contains("range_adx (25.0) must be below trend_adx (20.0)"), "\(problems)")
        #expect(text.contains("graph.yaml:5:86: error:"), "said at the parameter the reason names: \(text)")
    }
}
