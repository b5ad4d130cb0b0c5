/// A run's statistics as labelled, formatted rows in three groups, the same in the terminal and
/// the HTML report. docs/metrics.md defines each; "n/a" marks one the run leaves undefined.
public struct MetricGroup: Sendable {
    public var title: String
    public var rows: [(label: String, value: String)]
}

extension RunResult {
    public var metricGroups: [MetricGroup] {
        let m = metrics
        func percent(_ value: Double?, signed: Bool = false) -> String {
            value.map { NumberFormat.percent($0, signed: signed) } ?? "n/a"
        }
        func ratio(_ value: Double?) -> String { value.map { NumberFormat.grouped($0) } ?? "n/a" }
        func days(_ value: Double?) -> String { value.map { "\(NumberFormat.grouped($0, decimals: 0)) days" } ?? "n/a" }
        let money = { (value: Double) in "\(NumberFormat.grouped(value)) \(self.currency)" }
        return [
            MetricGroup(
                title: "Return",
                rows: [
                    ("Final equity", money(m.finalEquity)), ("Peak equity", money(m.peakEquity)),
                    ("Total return", percent(m.totalReturn, signed: true)), ("Annualised return", percent(m.annualizedReturn, signed: true)),
                    ("CAGR", percent(m.cagr, signed: true)), ("Commissions", money(m.commissions)),
                    ("Exposure time", percent(m.exposure)),
                ]),
            MetricGroup(
                title: "Risk",
                rows: [
                    ("Annualised volatility", percent(m.annualizedVolatility)), ("Sharpe ratio", ratio(m.sharpe)),
                    ("Sortino ratio", ratio(m.sortino)), ("Calmar ratio", ratio(m.calmar)),
                    ("Max drawdown", percent(-m.maxDrawdown, signed: true)), ("Avg drawdown", percent(m.averageDrawdown.map { -$0 }, signed: true)),
                    ("Max drawdown duration", days(m.maxDrawdownDays)), ("Avg drawdown duration", days(m.averageDrawdownDays)),
                ]),
            MetricGroup(
                title: "Trades",
                rows: [
                    ("Trades", "\(NumberFormat.grouped(Double(m.trades), decimals: 0)) closed, \(openTrades.count) open"), ("Win rate", percent(m.winRate)),
                    ("Best trade", percent(m.bestTrade, signed: true)), ("Worst trade", percent(m.worstTrade, signed: true)),
                    ("Avg trade", percent(m.averageTrade, signed: true)), ("Expectancy", percent(m.expectancy, signed: true)),
                    ("Profit factor", ratio(m.profitFactor)), ("SQN", ratio(m.sqn)),
                ]),
        ]
    }

    /// The orders a venue rejected or a risk node denied, with their reasons.
    public var refusals: [OrderEvent] { orders.filter(\.isRefusal) }
}
