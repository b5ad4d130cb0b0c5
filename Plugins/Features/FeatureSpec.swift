import Foundation
import TrellisSDK

/// One entry of the `features` list, read and checked: the indicator with its settings, the
/// names of the values it adds to the vector, and the bars it needs before its first value.
struct FeatureSpec {
    let names: [String]
    let warmup: Int
    let computer: FeatureComputer

    /// The indicators a feature can name.
    static let indicators = [
        "price", "sma", "ema", "wma", "rsi", "macd", "bollinger", "true_range", "atr", "adx", "stochastic", "williams_r", "roc", "cci",
        "obv", "vwap", "cmf", "keltner", "donchian", "aroon", "stddev", "zscore", "efficiency_ratio", "hurst", "realized_volatility",
        "log_return", "time_of_day", "day_of_week",
    ]

    /// Reads feature number `position` (from 1) of the list.
    static func parse(_ object: [String: Any], position: Int) throws(PluginError) -> FeatureSpec {
        var settings = FeatureSettings(object: object, position: position)
        let spec = try make(&settings)
        try settings.checkAllUsed()
        return spec
    }

    private static func make(_ s: inout FeatureSettings) throws(PluginError) -> FeatureSpec {
        switch s.indicator {
        case "price":
            let input = try s.input()
            return try s.single(input.name, warmup: 1, FeatureComputer.bar(width: 1) { bar, out in out[0] = input.value(bar) })
        case "sma":
            let (p, input) = (try s.int("period", 20), try s.input())
            return try s.single("sma_\(p)\(input.suffix)", warmup: p, s.scalar(SimpleMovingAverage(period: p), input) { $0.update($1) })
        case "ema":
            let (p, input) = (try s.int("period", 20), try s.input())
            return try s.single("ema_\(p)\(input.suffix)", warmup: p, s.scalar(ExponentialMovingAverage(period: p), input) { $0.update($1) })
        case "wma":
            let (p, input) = (try s.int("period", 20), try s.input())
            return try s.single("wma_\(p)\(input.suffix)", warmup: p, s.scalar(WeightedMovingAverage(period: p), input) { $0.update($1) })
        case "rsi":
            let (p, input) = (try s.int("period", 14), try s.input())
            return try s.single("rsi_\(p)\(input.suffix)", warmup: p + 1, s.scalar(RelativeStrengthIndex(period: p), input) { $0.update($1) })
        case "roc":
            let (p, input) = (try s.int("period", 10), try s.input())
            return try s.single("roc_\(p)\(input.suffix)", warmup: p + 1, s.scalar(RateOfChange(period: p), input) { $0.update($1) })
        case "stddev":
            let (p, k, input) = (try s.int("period", 20), try s.number("deviations", 1), try s.input())
            return try s.single(
                "stddev_\(p)\(input.suffix)", warmup: p, s.scalar(StandardDeviation(period: p, deviations: k), input) { $0.update($1) })
        case "zscore":
            let (p, input) = (try s.int("period", 20), try s.input())
            return try s.single("zscore_\(p)\(input.suffix)", warmup: p, s.scalar(ZScore(period: p), input) { $0.update($1) })
        case "efficiency_ratio":
            let (p, input) = (try s.int("period", 10), try s.input())
            return try s.single("efficiency_ratio_\(p)\(input.suffix)", warmup: p + 1, s.scalar(EfficiencyRatio(period: p), input) { $0.update($1) })
        case "hurst":
            let (window, minLag, maxLag, input) = (try s.int("period", 100), try s.int("min_lag", 2), try s.int("max_lag", 20), try s.input())
            guard minLag < maxLag, maxLag + 1 < window else {
                throw s.error("needs min_lag < max_lag < period − 1, not \(minLag), \(maxLag) and \(window)")
            }
            let hurst = HurstExponent(window: window, minLag: minLag, maxLag: maxLag)
            return try s.single("hurst_\(window)\(input.suffix)", warmup: window, s.scalar(hurst, input) { $0.update(log($1)) })
        case "realized_volatility":
            let (p, perYear, input) = (try s.int("period", 20), try s.optionalNumber("periods_per_year"), try s.input())
            let volatility = RealizedVolatility(period: p, periodsPerYear: perYear)
            return try s.single("realized_volatility_\(p)\(input.suffix)", warmup: p + 1, s.scalar(volatility, input) { $0.update($1) })
        case "log_return":
            let (p, input) = (try s.int("period", 1), try s.input())
            return try s.single("log_return_\(p)\(input.suffix)", warmup: p + 1, s.scalar(LogReturn(period: p), input) { $0.update($1) })
        case "macd":
            let (fast, slow, signal, input) = (try s.int("fast", 12), try s.int("slow", 26), try s.int("signal", 9), try s.input())
            let warmup = max(fast, slow) + signal - 1
            return try s.multiple(
                "macd_\(fast)_\(slow)_\(signal)\(input.suffix)", MovingAverageConvergenceDivergence(fast: fast, slow: slow, signal: signal),
                [Output("macd", \.macd, warmup), Output("signal", \.signal, warmup), Output("histogram", \.histogram, warmup)]
            ) { $0.update(input.value($1)) }
        case "bollinger":
            let (p, k, input) = (try s.int("period", 20), try s.number("deviations", 2), try s.input())
            return try s.multiple(
                "bollinger_\(p)_\(FeatureSettings.text(k))\(input.suffix)", BollingerBands(period: p, deviations: k),
                [Output("upper", \.upper, p), Output("middle", \.middle, p), Output("lower", \.lower, p)]
            ) { $0.update(input.value($1)) }
        case "true_range":
            return try s.single("true_range", warmup: 2, FeatureComputer.indicator(TrueRange(), outputs: [{ $0 }]) { $0.update($1) })
        case "atr":
            let p = try s.int("period", 14)
            return try s.single("atr_\(p)", warmup: p + 1, FeatureComputer.indicator(AverageTrueRange(period: p), outputs: [{ $0 }]) { $0.update($1) })
        case "adx":
            // ADX needs twice the period; the directional indexes one bar more than the period.
            let p = try s.int("period", 14)
            return try s.multiple(
                "adx_\(p)", AverageDirectionalIndex(period: p),
                [Output("adx", \.adx, 2 * p), Output("plus_di", \.plusDI, p + 1), Output("minus_di", \.minusDI, p + 1)]
            ) { $0.update($1) }
        case "stochastic":
            let (p, k, d) = (try s.int("period", 14), try s.int("k", 3), try s.int("d", 3))
            let warmup = p + k + d - 2
            return try s.multiple(
                "stochastic_\(p)_\(k)_\(d)", Stochastic(fastK: p, slowK: k, slowD: d), [Output("k", \.k, warmup), Output("d", \.d, warmup)]
            ) { $0.update($1) }
        case "williams_r":
            let p = try s.int("period", 14)
            return try s.single("williams_r_\(p)", warmup: p, FeatureComputer.indicator(WilliamsPercentRange(period: p), outputs: [{ $0 }]) { $0.update($1) })
        case "cci":
            let p = try s.int("period", 20)
            return try s.single("cci_\(p)", warmup: p, FeatureComputer.indicator(CommodityChannelIndex(period: p), outputs: [{ $0 }]) { $0.update($1) })
        case "obv":
            return try s.single("obv", warmup: 1, FeatureComputer.indicator(OnBalanceVolume(), outputs: [{ $0 }]) { $0.update($1) })
        case "vwap":
            let period = try s.optionalInt("period")
            let vwap = VolumeWeightedAveragePrice(window: period.map { .bars($0) } ?? .session)
            return try s.single(
                period.map { "vwap_\($0)" } ?? "vwap_session", warmup: period ?? 1, FeatureComputer.indicator(vwap, outputs: [{ $0 }]) { $0.update($1) })
        case "cmf":
            let p = try s.int("period", 20)
            return try s.single("cmf_\(p)", warmup: p, FeatureComputer.indicator(ChaikinMoneyFlow(period: p), outputs: [{ $0 }]) { $0.update($1) })
        case "keltner":
            let (p, atr, k) = (try s.int("period", 20), try s.int("atr_period", 10), try s.number("multiplier", 2))
            let warmup = max(p, atr + 1)
            return try s.multiple(
                "keltner_\(p)_\(atr)_\(FeatureSettings.text(k))", KeltnerChannel(period: p, atrPeriod: atr, multiplier: k),
                [Output("upper", \.upper, warmup), Output("middle", \.middle, warmup), Output("lower", \.lower, warmup)]
            ) { $0.update($1) }
        case "donchian":
            let p = try s.int("period", 20)
            return try s.multiple(
                "donchian_\(p)", DonchianChannel(period: p), [Output("upper", \.upper, p), Output("middle", \.middle, p), Output("lower", \.lower, p)]
            ) { $0.update($1) }
        case "aroon":
            let p = try s.int("period", 14)
            return try s.multiple(
                "aroon_\(p)", Aroon(period: p), [Output("up", \.up, p + 1), Output("down", \.down, p + 1), Output("oscillator", \.oscillator, p + 1)]
            ) { $0.update($1) }
        case "time_of_day":
            return try s.cyclical("time_of_day", CyclicalTime.timeOfDay)
        case "day_of_week":
            return try s.cyclical("day_of_week", CyclicalTime.dayOfWeek)
        default:
            throw s.error("unknown indicator '\(s.indicator)'; the indicators: \(indicators.joined(separator: ", "))")
        }
    }
}

/// One output of a multi-output indicator: its name, how to read it, and its warm-up in bars.
struct Output<Value> {
    let name: String
    let pick: (Value) -> Double?
    let warmup: Int

    init(_ name: String, _ pick: @escaping (Value) -> Double?, _ warmup: Int) {
        self.name = name
        self.pick = pick
        self.warmup = warmup
    }
}
