import CTrellis
import Foundation
import Testing
import TrellisHost
import TrellisSDK

/// The streaming indicators against TA-Lib 0.8 (and, where TA-Lib has none, against their
/// formulas in numpy): the same warm-up, and equal within 1e-9 relative from the first value.
/// The fixtures and the script that made them are in Tests/Fixtures/parity/ta-lib.
@Suite struct IndicatorParityTests {
    struct Fixture: Decodable {
        struct Series: Decodable {
            var data: String
            var call: String
            var lookback: Int
            var values: [Double?]
        }
        var series: [String: Series]
    }

    static let fixture: Fixture = {
        let data = try! Data(contentsOf: URL(fileURLWithPath: Repository.path("Tests/Fixtures/parity/ta-lib/indicators.json")))
        return try! JSONDecoder().decode(Fixture.self, from: data)
    }()

    static func bars(_ file: String) -> [trellis_bar] {
        let tape = try! CSVFeedReader.read(path: Repository.path("data/\(file).csv"), name: file, source: 1, instrument: 1).get()
        return (0..<tape.count).compactMap { tape.bar($0) }
    }

    /// Our output for each fixture series, by its name.
    static let ours: [String: [Double?]] = {
        let goog = bars("GOOG")
        var series: [String: [Double?]] = [:]
        func add<Indicator>(_ indicator: Indicator, _ outputs: [String: (Indicator.Value) -> Double?], step: (inout Indicator, trellis_bar) -> Indicator.Value?)
        where Indicator: StreamingIndicator {
            var indicator = indicator
            let values = goog.map { step(&indicator, $0) }
            for (name, pick) in outputs { series[name] = values.map { $0.flatMap(pick) } }
        }
        func one<Indicator: StreamingIndicator>(_ name: String, _ indicator: Indicator, step: (inout Indicator, trellis_bar) -> Indicator.Value?)
        where Indicator.Value == Double {
            add(indicator, [name: { $0 }], step: step)
        }
        for period in [5, 20] { one("SMA_\(period)", SimpleMovingAverage(period: period)) { $0.update($1.close) } }
        for period in [5, 20, 50] { one("EMA_\(period)", ExponentialMovingAverage(period: period)) { $0.update($1.close) } }
        one("WMA_20", WeightedMovingAverage(period: 20)) { $0.update($1.close) }
        for period in [2, 14] { one("RSI_\(period)", RelativeStrengthIndex(period: period)) { $0.update($1.close) } }
        add(
            MovingAverageConvergenceDivergence(fast: 12, slow: 26, signal: 9),
            ["MACD_12_26_9_macd": \.macd, "MACD_12_26_9_signal": \.signal, "MACD_12_26_9_hist": \.histogram]
        ) { $0.update($1.close) }
        one("ROC_10", RateOfChange(period: 10)) { $0.update($1.close) }
        add(Stochastic(fastK: 14, slowK: 3, slowD: 3), ["STOCH_14_3_3_k": \.k, "STOCH_14_3_3_d": \.d]) { $0.update($1) }
        one("WILLR_14", WilliamsPercentRange(period: 14)) { $0.update($1) }
        one("CCI_20", CommodityChannelIndex(period: 20)) { $0.update($1) }
        add(Aroon(period: 14), ["AROON_14_up": \.up, "AROON_14_down": \.down, "AROONOSC_14": \.oscillator]) { $0.update($1) }
        one("TRANGE", TrueRange()) { $0.update($1) }
        one("ATR_14", AverageTrueRange(period: 14)) { $0.update($1) }
        add(AverageDirectionalIndex(period: 14), ["ADX_14": \.adx, "PLUS_DI_14": \.plusDI, "MINUS_DI_14": \.minusDI]) { $0.update($1) }
        add(BollingerBands(period: 20, deviations: 2), ["BBANDS_20_2_upper": \.upper, "BBANDS_20_2_middle": \.middle, "BBANDS_20_2_lower": \.lower]) {
            $0.update($1.close)
        }
        one("STDDEV_20", StandardDeviation(period: 20)) { $0.update($1.close) }
        add(DonchianChannel(period: 20), ["MAX_HIGH_20": \.upper, "MIN_LOW_20": \.lower, "MIDPRICE_20": \.middle]) { $0.update($1) }
        add(
            KeltnerChannel(period: 20, atrPeriod: 10, multiplier: 2),
            ["KELTNER_20_10_2_upper": \.upper, "KELTNER_20_10_2_middle": \.middle, "KELTNER_20_10_2_lower": \.lower]
        ) { $0.update($1) }
        one("ZSCORE_20", ZScore(period: 20)) { $0.update($1.close) }
        one("ER_10", EfficiencyRatio(period: 10)) { $0.update($1.close) }
        one("HURST_100_2_20", HurstExponent(window: 100, minLag: 2, maxLag: 20)) { $0.update(log($1.close)) }
        one("RV_20", RealizedVolatility(period: 20)) { $0.update($1.close) }
        for period in [1, 5] { one("LOGRET_\(period)", LogReturn(period: period)) { $0.update($1.close) } }
        one("OBV", OnBalanceVolume()) { $0.update($1) }
        one("VWAP_20", VolumeWeightedAveragePrice(window: .bars(20))) { $0.update($1) }
        one("CMF_20", ChaikinMoneyFlow(period: 20)) { $0.update($1) }
        // A bar's time label is its open: the end it is stamped with, less its period.
        let times = bars("EURUSD").map { $0.header.ts_ns - $0.period_ns }
        series["TOD_sin"] = times.map { CyclicalTime.timeOfDay($0).sin }
        series["TOD_cos"] = times.map { CyclicalTime.timeOfDay($0).cos }
        series["DOW_sin"] = times.map { CyclicalTime.dayOfWeek($0).sin }
        series["DOW_cos"] = times.map { CyclicalTime.dayOfWeek($0).cos }
        return series
    }()

    @Test(arguments: fixture.series.keys.sorted())
    func matches(_ name: String) throws {
        let peer = try #require(Self.fixture.series[name])
        let ours = try #require(Self.ours[name], "no indicator is compared with \(name) (\(peer.call))")
        let warmup = ours.prefix { $0 == nil }.count
        #expect(warmup == peer.lookback, "warm-up \(warmup) bars, \(peer.call) has \(peer.lookback)")
        #expect(ours.count == peer.values.count)
        // Relative error, with a floor a millionth of the series' largest value for values at 0.
        let floor = (peer.values.compactMap { $0.map(abs) }.max() ?? 1) * 1e-6
        var differences: [String] = []
        for (index, (mine, theirs)) in zip(ours, peer.values).enumerated() {
            if let mine, let theirs {
                let error = abs(mine - theirs) / max(abs(theirs), floor)
                // Written so that NaN on our side (error NaN) is a difference too.
                if !(error <= 1e-9) { differences.append("bar \(index): ours \(mine), \(peer.call) \(theirs), relative error \(error)") }
            } else if (mine == nil) != (theirs == nil) {
                differences.append("bar \(index): ours \(String(describing: mine)), \(peer.call) \(String(describing: theirs))")
            }
        }
        // The first few say what is wrong; the count says how much.
        #expect(differences.isEmpty, "\(differences.count) bars differ: \(differences.prefix(3).joined(separator: "; "))")
    }
}

/// Signal labels are copied byte for byte and cut to 31 bytes where a Unicode scalar begins.
@Suite struct SignalLabelTests {
    @Test func labelsAreCutWhereAScalarBegins() {
        #expect(trellis_signal(label: "trending-up").labelText == "trending-up")
        #expect(trellis_signal(label: String(repeating: "a", count: 40)).labelText == String(repeating: "a", count: 31))
        // "é" is two bytes: at bytes 31 and 32 it would be split, so the label stops before it.
        #expect(trellis_signal(label: String(repeating: "a", count: 30) + "é").labelText == String(repeating: "a", count: 30))
        #expect(trellis_signal(label: String(repeating: "a", count: 29) + "é").labelText == String(repeating: "a", count: 29) + "é")
        #expect(trellis_signal(label: "").labelText == "")
    }
}
