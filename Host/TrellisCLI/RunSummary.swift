import TrellisHost

/// The terminal summary of a run: what ran, the trades, the statistics, refused orders, the
/// equity and the fingerprint.
struct RunSummary {
    let result: RunResult
    let tradeLimit: Int?

    var text: String {
        var lines: [String] = []
        lines.append("trellis \(result.hostVersion) · backtest · \(result.graphFile) · run \(result.runID)")
        lines.append(
            "data    \(NumberFormat.grouped(Double(result.events), decimals: 0)) market events, \(Timestamp.format(result.firstTime)) → \(Timestamp.format(result.lastTime))"
        )
        for node in result.nodes {
            let warmup = node.warmupBars.map { ", needs \($0) bar\($0 == 1 ? "" : "s") of warm-up" } ?? ""
            let failures = node.failures > 0 ? ", \(node.failures) problems" : ""
            lines.append(
                "node    \(node.name): \(node.type) \(node.version) from \(node.plugin), received \(NumberFormat.grouped(Double(node.eventsDelivered), decimals: 0)) events\(warmup)\(failures)"
            )
        }
        lines.append("")
        lines.append(contentsOf: tradeLines)
        lines.append("")
        lines.append(statistics)
        lines.append(contentsOf: refusalLines)
        lines.append("")
        let profit = result.finalEquity - result.startingCash
        lines.append(contentsOf: positionLines)
        lines.append("start equity   \(NumberFormat.grouped(result.startingCash)) \(result.currency)")
        lines.append(
            "final equity   \(NumberFormat.grouped(result.finalEquity)) \(result.currency)  (\(profit >= 0 ? "+" : "")\(NumberFormat.grouped(profit)), \(NumberFormat.percent(result.totalReturn))), cash \(NumberFormat.grouped(result.finalCash))"
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
                NumberFormat.quantity(abs(trade.quantity)), Timestamp.format(trade.entryTime), NumberFormat.price(trade.entryPrice),
                trade.exitTime.map(Timestamp.format) ?? "open", trade.exitPrice.map { NumberFormat.price($0) } ?? NumberFormat.price(mark ?? .nan),
                NumberFormat.grouped(trade.netProfit(markPrice: mark)), NumberFormat.percent(trade.returnFraction(markPrice: mark)),
            ])
        }
        var lines = ["trades: \(result.trades.count) closed, \(result.openTrades.count) open", table.text]
        if shown.count < all.count { lines.append("… \(all.count - shown.count) more (--trades all lists them)") }
        return lines
    }

    /// The three groups of statistics side by side.
    private var statistics: String {
        let groups = result.metricGroups
        var table = TextTable(columns: groups.flatMap { [$0.title.uppercased(), ""] }, rightAligned: [1, 3, 5])
        for row in 0..<(groups.map(\.rows.count).max() ?? 0) {
            table.add(groups.flatMap { group in row < group.rows.count ? [group.rows[row].label, group.rows[row].value] : ["", ""] })
        }
        return table.text
    }

    /// The account's positions at the end (each node's share is in the report).
    private var positionLines: [String] {
        let account = result.positions.filter { $0.node == nil }
        guard !account.isEmpty else { return [] }
        var table = TextTable(
            columns: ["POSITION", "QTY", "AVG PRICE", "LAST", "REALISED", "UNREALISED", "FEES"], rightAligned: [1, 2, 3, 4, 5, 6])
        for position in account {
            table.add([
                position.symbol, position.quantity == 0 ? "flat" : NumberFormat.quantity(position.quantity),
                position.quantity == 0 ? "" : NumberFormat.price(position.averagePrice), NumberFormat.price(position.lastPrice),
                NumberFormat.grouped(position.realizedProfit), NumberFormat.grouped(position.unrealizedProfit), NumberFormat.grouped(position.commission),
            ])
        }
        return [table.text, ""]
    }

    private var refusalLines: [String] {
        let refusals = result.refusals
        guard !refusals.isEmpty else { return [] }
        let heading = refusals.contains(where: \.isRiskAction) ? "refused orders and risk actions" : "refused orders"
        var lines = ["", "\(heading): \(refusals.count)"]
        for order in refusals.prefix(10) {
            lines.append(
                "  \(Timestamp.format(order.time))  \(order.node) order \(order.idText) \(order.side == 1 ? "buy" : "sell") \(NumberFormat.quantity(order.quantity)) \(order.symbol): \(order.outcome): \(order.reason)"
            )
        }
        if refusals.count > 10 { lines.append("  … \(refusals.count - 10) more ('trellis report last --html report.html' lists them all)") }
        return lines
    }
}
