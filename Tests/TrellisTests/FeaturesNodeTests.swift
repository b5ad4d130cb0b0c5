import CTrellis
import Foundation
import Testing
import TrellisHost
import TrellisSDK

/// The `features` node end to end: loaded from its shared library, fed GOOG bars by the engine,
/// its vectors received by an observer through the C ABI and compared with TA-Lib's fixtures.
@Suite struct FeaturesNodeTests {
    static var library: String { Repository.buildDirectory + "/libTrellisFeatures.so" }

    /// Runs `features` (YAML list items) on `feeds` and returns what the observer received.
    private func run(_ features: String, extra: String = "", feeds: String? = nil, tag: String) throws -> TestNodes.Log {
        let scenario = Scenario()
        let goog = Repository.path("data/GOOG.csv")
        _ = try scenario.run(
            """
            trellis: 1
            plugins: { load: [\(Self.library)] }
            feeds: \(feeds ?? "{ goog: { source: csv, path: \(goog), symbol: GOOG } }")
            nodes:
              f:
                use: features
                inputs: [\(feeds == nil ? "goog" : "a, b")]
                params:
                  \(extra)
                  features:
            \(features)
              watch: { use: test-observer, inputs: [f], params: { tag: \(tag) } }
            """, plugins: [TestNodes.plugin])
        return TestNodes.log(tag, "watch")
    }

    private func vectors(_ log: TestNodes.Log) -> [TestNodes.Received] {
        log.of(TRELLIS_EVENT_CUSTOM).filter { $0.featureNames.isEmpty }
    }

    @Test func vectorsMatchTALibFromTheFirstValidBar() throws {
        let log = try run(
            """
                    - { indicator: rsi, period: 14 }
                    - { indicator: macd }
                    - { indicator: bollinger, period: 20, deviations: 2 }
                    - { indicator: atr, period: 14 }
                    - { indicator: adx, period: 14 }
                    - { indicator: stochastic }
                    - { indicator: sma, period: 20, name: trend }
            """, tag: "features-talib")
        let expected = [
            ("rsi_14", "RSI_14"), ("macd_12_26_9.macd", "MACD_12_26_9_macd"), ("macd_12_26_9.signal", "MACD_12_26_9_signal"),
            ("macd_12_26_9.histogram", "MACD_12_26_9_hist"), ("bollinger_20_2.upper", "BBANDS_20_2_upper"),
            ("bollinger_20_2.middle", "BBANDS_20_2_middle"), ("bollinger_20_2.lower", "BBANDS_20_2_lower"), ("atr_14", "ATR_14"),
            ("adx_14.adx", "ADX_14"), ("adx_14.plus_di", "PLUS_DI_14"), ("adx_14.minus_di", "MINUS_DI_14"),
            ("stochastic_14_3_3.k", "STOCH_14_3_3_k"), ("stochastic_14_3_3.d", "STOCH_14_3_3_d"), ("trend", "SMA_20"),
        ]
        let custom = log.of(TRELLIS_EVENT_CUSTOM)
        let names = try #require(custom.first)
        #expect(names.featureNames == expected.map(\.0), "the names go out first, once")
        #expect(custom.filter { !$0.featureNames.isEmpty }.count == 1)
        #expect(names.namesHash == FeatureVector.hash(names: expected.map(\.0)))

        let rows = vectors(log)
        let fixture = IndicatorParityTests.fixture.series
        #expect(rows.count == fixture["RSI_14"]!.values.count, "one vector per bar")
        for (column, (name, series)) in expected.enumerated() {
            let reference = try #require(fixture[series], "fixture \(series)").values
            var problems: [String] = []
            for (bar, (row, want)) in zip(rows, reference).enumerated() {
                let got = row.features[column]
                switch want {
                case nil where !got.isNaN: problems.append("bar \(bar): \(got), TA-Lib has no value yet")
                case let want? where abs(got - want) > 1e-9 * max(1, abs(want)) || got.isNaN: problems.append("bar \(bar): \(got), TA-Lib \(want)")
                default: break
                }
                if problems.count == 3 { break }
            }
            #expect(problems.isEmpty, "\(name) against \(series): \(problems.joined(separator: "; "))")
        }
        // A vector is complete from the bar where the slowest feature (MACD, 34 bars of warm-up) has its first value.
        let firstComplete = try #require(rows.firstIndex { $0.featureFlags & TRELLIS_FEATURES_INCOMPLETE == 0 })
        #expect(firstComplete == 33)
        #expect(rows[firstComplete...].allSatisfy { $0.featureFlags == 0 && !$0.features.contains { $0.isNaN } })
        #expect(rows.allSatisfy { $0.namesHash == names.namesHash })
    }

    @Test func skipWarmupEmitsOnlyCompleteVectors() throws {
        let log = try run("        - { indicator: sma, period: 5 }\n        - { indicator: log_return }", extra: "skip_warmup: true", tag: "features-skip")
        let rows = vectors(log)
        #expect(rows.count == 2148 - 4)
        #expect(rows.allSatisfy { $0.featureFlags == 0 && !$0.features.contains { $0.isNaN } })
    }

    @Test func eachInstrumentHasItsOwnIndicators() throws {
        let scenario = Scenario()
        let a = scenario.writeBars("a.csv", closes: (1...40).map { 100 + Double($0) })
        let b = scenario.writeBars("b.csv", closes: (1...40).map { 500 - Double($0 * 2) })
        let log = try run(
            "        - { indicator: sma, period: 3 }", feeds: "{ a: { source: csv, path: \(a), symbol: A }, b: { source: csv, path: \(b), symbol: B } }",
            tag: "features-instruments")
        let rows = vectors(log)
        #expect(rows.count == 80)
        #expect(Set(rows.map(\.time)).count == 40, "each bar's two vectors share its time")
        let values = rows.map { $0.features[0] }.filter { !$0.isNaN }
        // The third bar of A: (101 + 102 + 103) / 3; of B: (498 + 496 + 494) / 3; never a mix.
        #expect(values.contains(102) && values.contains(496))
        #expect(values.allSatisfy { $0 > 100 && $0 < 140 || $0 > 400 && $0 < 500 })
    }

    @Test func everyIndicatorRunsAndWarmsUpAsDocumented() throws {
        let log = try run(
            FeaturesNodeTests.everyIndicator.map { "        - \($0.0)" }.joined(separator: "\n"),
            tag: "features-all")
        let custom = log.of(TRELLIS_EVENT_CUSTOM)
        let names = try #require(custom.first?.featureNames)
        let rows = vectors(log)
        for (spec, warmup) in FeaturesNodeTests.everyIndicator {
            let columns = names.indices.filter { index in
                let base = names[index].split(separator: ".")[0]
                return spec.contains("name: \(base),") || spec.contains("name: \(base) }")
            }
            try #require(!columns.isEmpty, "\(spec) has a column")
            for column in columns {
                let first = rows.firstIndex { !$0.features[column].isNaN }
                #expect(first == warmup - 1, "\(names[column]): first value at bar \(first ?? -1), documented warm-up \(warmup) bars")
            }
        }
    }

    /// Each indicator (named after itself) with its documented warm-up in bars: the first value
    /// comes on bar `warmup` (counting from 1). docs/indicators.md lists the same numbers.
    static let everyIndicator: [(String, Int)] = [
        ("{ indicator: price, name: price }", 1), ("{ indicator: sma, name: sma, period: 20 }", 20),
        ("{ indicator: ema, name: ema, period: 20 }", 20), ("{ indicator: wma, name: wma, period: 20 }", 20),
        ("{ indicator: rsi, name: rsi, period: 14 }", 15), ("{ indicator: macd, name: macd }", 34),
        ("{ indicator: bollinger, name: bollinger, period: 20 }", 20), ("{ indicator: true_range, name: true_range }", 2),
        ("{ indicator: atr, name: atr, period: 14 }", 15), ("{ indicator: adx, name: adx, period: 14, outputs: [adx] }", 28),
        ("{ indicator: adx, name: di, period: 14, outputs: [plus_di, minus_di] }", 15),
        ("{ indicator: stochastic, name: stochastic }", 18), ("{ indicator: williams_r, name: williams_r, period: 14 }", 14),
        ("{ indicator: roc, name: roc, period: 10 }", 11), ("{ indicator: cci, name: cci, period: 20 }", 20),
        ("{ indicator: obv, name: obv }", 1), ("{ indicator: vwap, name: vwap, period: 20 }", 20),
        ("{ indicator: vwap, name: session_vwap }", 1), ("{ indicator: cmf, name: cmf, period: 20 }", 20),
        ("{ indicator: keltner, name: keltner }", 20), ("{ indicator: donchian, name: donchian, period: 20 }", 20),
        ("{ indicator: aroon, name: aroon, period: 14 }", 15), ("{ indicator: stddev, name: stddev, period: 20 }", 20),
        ("{ indicator: zscore, name: zscore, period: 20 }", 20), ("{ indicator: efficiency_ratio, name: efficiency_ratio, period: 10 }", 11),
        ("{ indicator: hurst, name: hurst, period: 100 }", 100), ("{ indicator: realized_volatility, name: realized_volatility }", 21),
        ("{ indicator: log_return, name: log_return, period: 5 }", 6), ("{ indicator: time_of_day, name: time_of_day }", 1),
        ("{ indicator: day_of_week, name: day_of_week }", 1),
    ]

    @Test func badSettingsAreAllSaidAtTheNode() throws {
        let scenario = Scenario()
        let goog = Repository.path("data/GOOG.csv")
        let problems = scenario.problems(
            """
            trellis: 1
            plugins: { load: [\(Self.library)] }
            feeds: { goog: { source: csv, path: \(goog) } }
            nodes:
              f:
                use: features
                inputs: [goog]
                params:
                  features:
                    - { indicator: rsi, period: 14 }
                    - { indicator: obv, period: 3 }
                    - { indicator: macd, outputs: [macd, sigal] }
                    - { indicator: hurst, period: 10, max_lag: 20 }
            """)
        let text = problems.map(\.description).joined(separator: "\n")
        #expect(problems.count == 1, "\(text)")
        #expect(text.contains("graph.yaml:5:3: error: node 'f'"), "\(text)")
        #expect(text.contains("feature 2 (obv): obv does not take 'period'"), "\(text)")
        #expect(text.contains("feature 3 (macd): no output 'sigal'; macd has macd, signal, histogram"), "\(text)")
        #expect(text.contains("feature 4 (hurst): needs min_lag < max_lag < period − 1, not 2, 20 and 10"), "\(text)")

        let duplicate = scenario.problems(
            """
            trellis: 1
            plugins: { load: [\(Self.library)] }
            feeds: { goog: { source: csv, path: \(goog) } }
            nodes:
              f: { use: features, inputs: [goog], params: { features: [{ indicator: rsi }, { indicator: sma, name: rsi_14 }] } }
            """)
        #expect(duplicate.map(\.description).joined().contains("two features are named 'rsi_14'; give one a name: ..."))

        let unknown = scenario.problems(
            """
            trellis: 1
            plugins: { load: [\(Self.library)] }
            feeds: { goog: { source: csv, path: \(goog) } }
            nodes:
              f: { use: features, inputs: [goog], params: { features: [{ indicator: rsj }] } }
            """)
        #expect(unknown.map(\.description).joined().contains("graph.yaml:5"), "the schema's enum catches it at the entry: \(unknown)")
    }
}
