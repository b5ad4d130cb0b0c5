import TrellisHost

/// The terminal summary of a run: what ran, the trades, the equity, the fingerprint.
struct RunSummary {
    let result: RunResult
    let graph: ResolvedGraph
    let tradeLimit: Int?

    var text: String {
        var lines: [String] = []
        lines.append("trellis \(PluginLoader.hostVersion) · backtest · \(result.graphFile)")
        lines.append(
            "data    \(NumberFormat.grouped(Double(result.events), decimals: 0)) market events, \(Timestamp.format(result.firstTime)) → \(Timestamp.format(result.lastTime))"
        )
        for node in result.nodes {
            let warmup = node.warmupBars.map { ", needs \($0) bars of warm-up" } ?? ""
            let failures = node.failures > 0 ? ", \(node.failures) problems" : ""
            lines.append(
                "node    \(node.name): \(node.type) \(node.version) from \(node.plugin), received \(NumberFormat.grouped(Double(node.eventsDelivered), decimals: 0)) events\(warmup)\(failures)"
            )
        }
        lines.append("")
        lines.append(contentsOf: tradeLines)
        lines.append("")
        let profit = result.finalEquity - result.startingCash
        lines.append("start equity   \(NumberFormat.grouped(result.startingCash)) \(result.currency)")
        lines.append(
            "final equity   \(NumberFormat.grouped(result.finalEquity)) \(result.currency)  (\(profit >= 0 ? "+" : "")\(NumberFormat.grouped(profit)), \(NumberFormat.percent(result.totalReturn)))"
        )
        lines.append("orders         \(result.orderUpdates) updates, \(result.fills) fills")
        lines.append("fingerprint    \(result.fingerprint)")
        for warning in result.warnings { lines.append("warning: \(warning)") }
        return lines.joined(separator: "\n")
    }

    private var tradeLines: [String] {
        let all = result.trades + result.openTrades
        guard !all.isEmpty else { return ["no trades"] }
        var table = TextTable(
            columns: ["#", "NODE", "SYMBOL", "SIDE", "QTY", "ENTRY", "PRICE", "EXIT", "PRICE", "NET P&L", "RETURN"], rightAligned: [0, 4, 6, 8, 9, 10])
        let shown = tradeLimit.map { Array(all.prefix($0)) } ?? all
        for (index, trade) in shown.enumerated() {
            let mark = result.lastPrices[trade.symbol]
            table.add([
                "\(index + 1)", trade.node, trade.symbol, trade.quantity > 0 ? "long" : "short",
                NumberFormat.quantity(abs(trade.quantity)), Timestamp.format(trade.entryTime), NumberFormat.grouped(trade.entryPrice),
                trade.exitTime.map(Timestamp.format) ?? "open", trade.exitPrice.map { NumberFormat.grouped($0) } ?? NumberFormat.grouped(mark ?? .nan),
                NumberFormat.grouped(trade.netProfit(markPrice: mark)), NumberFormat.percent(trade.returnFraction(markPrice: mark)),
            ])
        }
        var lines = ["trades: \(result.trades.count) closed, \(result.openTrades.count) open", table.text]
        if shown.count < all.count { lines.append("… \(all.count - shown.count) more (--trades all lists them)") }
        return lines
    }
}
