import Foundation

/// Performance statistics of a run. Each is defined in docs/metrics.md, the way backtesting.py 0.6
/// defines it, so the two agree on the same run. Fractions are fractions (0.2 is 20%); a
/// statistic that is undefined for the run (no trades, no losses, a flat curve) is nil.
public struct Metrics: Sendable, Codable, Equatable {
    public var startingEquity: Double
    public var finalEquity: Double
    public var peakEquity: Double
    public var totalReturn: Double
    public var annualizedReturn: Double?
    public var annualizedVolatility: Double?
    public var cagr: Double?
    public var sharpe: Double?
    public var sortino: Double?
    public var calmar: Double?
    /// Largest fall from a peak of equity, as a positive fraction of the peak.
    public var maxDrawdown: Double
    public var averageDrawdown: Double?
    /// Longest and average time from a peak of equity to its recovery (or to the end), in days.
    public var maxDrawdownDays: Double?
    public var averageDrawdownDays: Double?
    /// Share of the curve's steps with a position open.
    public var exposure: Double
    /// Closed trades (trades still open are not counted in the trade statistics).
    public var trades: Int
    public var winRate: Double?
    public var bestTrade: Double?
    public var worstTrade: Double?
    /// Geometric mean of the closed trades' returns.
    public var averageTrade: Double?
    public var profitFactor: Double?
    /// Arithmetic mean of the closed trades' returns.
    public var expectancy: Double?
    public var sqn: Double?
    /// Commission paid, open trades' entries included.
    public var commissions: Double
    /// Periods a year used to annualise (252 trading days, 365 days, 52 weeks, 12 months, 1).
    public var periodsPerYear: Int
}

extension Metrics {
    /// The statistics of an equity curve (`times` are each step's open time, the data's own time
    /// index) and of the trades that produced it.
    public static func compute(times: [Int64], equity: [Double], closed: [Trade], open: [Trade], commissions: Double) -> Metrics {
        let first = equity.first ?? 0, last = equity.last ?? 0
        var peak = -Double.infinity
        let drawdown = equity.map { value -> Double in
            peak = max(peak, value)
            return 1 - value / peak
        }
        let episodes = drawdownEpisodes(drawdown, times: times)
        let period = dataPeriod(times)
        let (periodsPerYear, bucket) = annualisation(times, period: period)
        let returns = periodReturns(times, equity, bucket: bucket)
        let mean = geometricMean(returns)
        let years = (Double(times.last ?? 0) - Double(times.first ?? 0)) / 86_400e9 / 365.25
        var metrics = Metrics(
            startingEquity: first, finalEquity: last, peakEquity: equity.max() ?? 0,
            totalReturn: first == 0 ? 0 : (last - first) / first,
            annualizedReturn: nil, annualizedVolatility: nil, cagr: years > 0 ? finite(pow(last / first, 1 / years) - 1) : nil,
            sharpe: nil, sortino: nil, calmar: nil,
            maxDrawdown: drawdown.max() ?? 0, averageDrawdown: average(episodes.map(\.depth)),
            maxDrawdownDays: episodes.map(\.duration).max().map { days(ceiled($0, to: period)) },
            averageDrawdownDays: average(episodes.map { Double($0.duration) }).map { days(ceiled(Int64(clamping: $0), to: period)) },
            exposure: exposure(steps: equity.count, closed: closed, open: open),
            trades: closed.count, winRate: nil, bestTrade: nil, worstTrade: nil, averageTrade: nil, profitFactor: nil,
            expectancy: nil, sqn: nil, commissions: commissions, periodsPerYear: periodsPerYear)
        if let mean {
            let years = Double(periodsPerYear)
            let annual = pow(1 + mean, years) - 1
            metrics.annualizedReturn = finite(annual)
            if let variance = variance(returns) {
                metrics.annualizedVolatility = finite(sqrt(pow(variance + pow(1 + mean, 2), years) - pow(1 + mean, 2 * years)))
            }
            metrics.sharpe = metrics.annualizedVolatility.flatMap { $0 == 0 ? nil : finite(annual / $0) }
            let downside = sqrt(returns.reduce(0) { $0 + pow(min($1, 0), 2) } / Double(returns.count)) * sqrt(years)
            metrics.sortino = downside == 0 ? nil : finite(annual / downside)
            metrics.calmar = metrics.maxDrawdown == 0 ? nil : finite(annual / metrics.maxDrawdown)
        }
        tradeStatistics(closed, into: &metrics)
        return metrics
    }

    private static func tradeStatistics(_ trades: [Trade], into metrics: inout Metrics) {
        guard !trades.isEmpty else { return }
        let profits = trades.map { $0.netProfit() }
        let returns = trades.map { $0.returnFraction() }
        metrics.winRate = Double(profits.filter { $0 > 0 }.count) / Double(trades.count)
        metrics.bestTrade = returns.max()
        metrics.worstTrade = returns.min()
        metrics.averageTrade = geometricMean(returns)
        let gains = returns.filter { $0 > 0 }.reduce(0, +), losses = abs(returns.filter { $0 < 0 }.reduce(0, +))
        metrics.profitFactor = losses == 0 ? nil : gains / losses
        metrics.expectancy = average(returns)
        if let spread = variance(profits).map(sqrt), spread > 0, let mean = average(profits) {
            metrics.sqn = sqrt(Double(trades.count)) * mean / spread
        }
    }

    /// A fall from a peak: its depth and how long until a new peak (or the end).
    struct Episode {
        var depth: Double
        var duration: Int64
    }

    /// Drawdown episodes: between two steps at a peak (and the last step), at least one below it.
    static func drawdownEpisodes(_ drawdown: [Double], times: [Int64]) -> [Episode] {
        guard !drawdown.isEmpty else { return [] }
        var marks = drawdown.indices.filter { drawdown[$0] == 0 }
        if marks.last != drawdown.count - 1 { marks.append(drawdown.count - 1) }
        return zip(marks, marks.dropFirst()).compactMap { previous, current in
            guard current > previous + 1 else { return nil }
            return Episode(depth: drawdown[previous...current].max() ?? 0, duration: times[current] &- times[previous])
        }
    }

    /// The data's period: the median gap of the last 100 steps (ns).
    static func dataPeriod(_ times: [Int64]) -> Int64 {
        let tail = Array(times.suffix(100))
        let gaps = zip(tail, tail.dropFirst()).map { $1 &- $0 }.sorted()
        guard !gaps.isEmpty else { return 0 }
        return gaps.count % 2 == 1 ? gaps[gaps.count / 2] : gaps[gaps.count / 2 - 1] / 2 + gaps[gaps.count / 2] / 2
    }

    /// How calendar periods group steps.
    enum Bucket {
        case day, week, month, year
    }

    /// Periods a year and the period to compound over: weekly, monthly and yearly data by their
    /// period; anything else by day, 365 days a year when a weekend day holds more than 60% of its
    /// share of the steps, 252 trading days otherwise.
    static func annualisation(_ times: [Int64], period: Int64) -> (Int, Bucket) {
        switch period / 86_400_000_000_000 {
        case 7: return (52, .week)
        case 31: return (12, .month)
        case 365: return (1, .year)
        default:
            let weekend = times.filter { weekday($0) >= 5 }.count
            let haveWeekends = !times.isEmpty && Double(weekend) / Double(times.count) > 2.0 / 7.0 * 0.6
            return (haveWeekends ? 365 : 252, .day)
        }
    }

    /// Returns from one calendar period to the next, on the last equity of each period.
    static func periodReturns(_ times: [Int64], _ equity: [Double], bucket: Bucket) -> [Double] {
        var closes: [Double] = []
        var current: Int64?
        for (time, value) in zip(times, equity) {
            let key = key(time, bucket)
            if key == current {
                closes[closes.count - 1] = value
            } else {
                closes.append(value)
                current = key
            }
        }
        return zip(closes, closes.dropFirst()).map { $1 / $0 - 1 }
    }

    private static func key(_ time: Int64, _ bucket: Bucket) -> Int64 {
        let day = VenueOrder.day(of: time)
        switch bucket {
        case .day: return day
        case .week: return Int64(clamping: ((Double(day) + 3) / 7).rounded(.down))
        case .month:
            let (year, month, _) = Timestamp.civil(fromDays: day)
            return year * 12 + month
        case .year: return Timestamp.civil(fromDays: day).0
        }
    }

    /// Monday 0 ... Sunday 6.
    static func weekday(_ time: Int64) -> Int {
        let day = VenueOrder.day(of: time)
        return Int(((day + 3) % 7 + 7) % 7)
    }

    /// Share of steps inside a trade: closed trades from entry to exit step, open ones to the end.
    static func exposure(steps: Int, closed: [Trade], open: [Trade]) -> Double {
        guard steps > 0 else { return 0 }
        var inMarket = [Bool](repeating: false, count: steps)
        for trade in closed + open {
            let end = min(trade.exitStep ?? steps - 1, steps - 1)
            if trade.entryStep <= end { for step in trade.entryStep...end { inMarket[step] = true } }
        }
        return Double(inMarket.filter { $0 }.count) / Double(steps)
    }

    /// exp(mean(log(1 + r))) − 1; 0 when a return is −100% or worse; nil without returns.
    static func geometricMean(_ returns: [Double]) -> Double? {
        guard !returns.isEmpty else { return nil }
        guard returns.allSatisfy({ 1 + $0 > 0 }) else { return 0 }
        return exp(returns.reduce(0) { $0 + log(1 + $1) } / Double(returns.count)) - 1
    }

    /// Sample variance (n − 1), two-pass; nil for fewer than two values.
    static func variance(_ values: [Double]) -> Double? {
        guard values.count > 1, let mean = average(values) else { return nil }
        return values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)
    }

    static func average(_ values: [Double]) -> Double? {
        values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }

    private static func finite(_ value: Double) -> Double? { value.isFinite ? value : nil }

    /// `duration` rounded up to the unit of the data's period (days, hours, minutes, seconds).
    static func ceiled(_ duration: Int64, to period: Int64) -> Int64 {
        let units: [Int64] = [86_400_000_000_000, 3_600_000_000_000, 60_000_000_000, 1_000_000_000]
        guard let unit = units.first(where: { period > 0 && period % $0 == 0 }) else { return duration }
        return duration > Int64.max - unit ? duration : (duration + unit - 1) / unit * unit
    }

    private static func days(_ duration: Int64) -> Double { Double(duration) / 86_400e9 }
}
