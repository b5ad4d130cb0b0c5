import Foundation

/// A run as one self-contained HTML page: key figures, equity, drawdown and trade-return charts
/// in inline SVG, the statistics, the trades, the refused orders and what the run was made of.
/// No script, font or style is fetched: the file reads the same offline, years later.
public enum HTMLReport {
    /// At most this many trades are listed; the charts and statistics cover all of them.
    public static let tradeRows = 2000
    /// Instruments with a price chart, in the order of the feeds.
    public static let priceCharts = 6

    public static func render(_ run: RunResult) -> String {
        let charts = ReportCharts(run: run)
        var page = HTML.pageStart(title: title(run), style: HTMLReportStyle.css)
        page += header(run)
        page += keyFigures(run)
        for warning in run.warnings { page += #"<p class="warning">\#(HTML.escape(warning))</p>"# + "\n" }
        page += panel("Equity", note: "shaded: the deepest drawdown, from its peak to its bottom · dashed: the starting cash", charts.equityChart)
        if !run.labels.isEmpty {
            page += panel("Regime", note: "the labels of the nodes that switch others on and off (when:), on the equity chart's time axis", charts.regimeChart)
        }
        page += panel("Drawdown", note: "fall from the highest equity so far", charts.drawdownChart)
        for series in run.prices.prefix(priceCharts) {
            let count = (run.trades + run.openTrades).filter { $0.symbol == series.symbol }.count
            let note =
                count > ReportCharts.markedTrades
                ? "\(NumberFormat.grouped(Double(count), decimals: 0)) trades are too many to mark on the price; the trade list has them all"
                : "▲ long entry · ▼ short entry, at the fill price · ● exit, green for a win, red for a loss · hover a mark for the trade"
            page += panel(
                count > ReportCharts.markedTrades ? "\(series.symbol) price" : "\(series.symbol) price and trades", note: note, charts.priceChart(series))
        }
        if !run.trades.isEmpty { page += panel("Trade returns", note: "each closed trade's net return, at its exit", charts.tradeChart) }
        page += statistics(run)
        page += positionTable(run)
        page += tradeTable(run, charts: charts)
        page += refusalTable(run)
        page += provenance(run)
        page += """
            <footer>Made by trellis \(PluginLoader.hostVersion) from run \(HTML.escape(run.runID)). Each statistic is defined in docs/metrics.md; hover a chart mark for details.</footer>
            </main>
            </body>
            </html>

            """
        return page
    }

    static func title(_ run: RunResult) -> String { "\(fileName(run.graphFile)) · Trellis backtest \(run.runID)" }

    private static func fileName(_ path: String) -> String { path.split(separator: "/").last.map(String.init) ?? path }

    private static func header(_ run: RunResult) -> String {
        let symbols = Array(Set(run.feeds.map(\.symbol))).sorted().joined(separator: ", ")
        let started = Timestamp.format(run.startedAt / 1_000_000_000 * 1_000_000_000)
        return """
            <header>
            <div class="eyebrow">Trellis backtest</div>
            <h1>\(HTML.escape(fileName(run.graphFile)))</h1>
            \(run.description.map { #"<p class="description">\#(HTML.escape($0))</p>"# } ?? "")
            <p class="meta">\(HTML.escape(symbols)) · \(Timestamp.format(run.firstTime)) → \(Timestamp.format(run.lastTime)) · \(NumberFormat.grouped(Double(run.events), decimals: 0)) market events · run <code>\(HTML.escape(run.runID))</code> started \(started) UTC</p>
            </header>

            """
    }

    private static func keyFigures(_ run: RunResult) -> String {
        let m = run.metrics
        let profit = run.finalEquity - run.startingCash
        func card(_ label: String, _ value: String, _ detail: String, tone: Double? = nil) -> String {
            let toneClass = tone.map { $0 > 0 ? " up" : $0 < 0 ? " down" : "" } ?? ""
            return
                #"<div class="card"><div class="label">\#(label)</div><div class="value\#(toneClass)">\#(HTML.escape(value))</div><div class="detail">\#(HTML.escape(detail))</div></div>"#
        }
        let cards = [
            card(
                "Final equity", NumberFormat.grouped(run.finalEquity), "\(profit >= 0 ? "+" : "")\(NumberFormat.grouped(profit)) \(run.currency)", tone: profit),
            card(
                "Return", NumberFormat.percent(run.totalReturn, decimals: 1),
                m.annualizedReturn.map { "\(NumberFormat.percent($0, decimals: 1)) a year" } ?? "", tone: run.totalReturn),
            card(
                "Max drawdown", NumberFormat.percent(-m.maxDrawdown, decimals: 1),
                m.maxDrawdownDays.map { "lasted \(NumberFormat.grouped($0, decimals: 0)) days" } ?? "", tone: m.maxDrawdown > 0 ? -1 : nil),
            card("Sharpe ratio", m.sharpe.map { NumberFormat.grouped($0) } ?? "n/a", m.sortino.map { "Sortino \(NumberFormat.grouped($0))" } ?? ""),
            card(
                "Trades", NumberFormat.grouped(Double(m.trades), decimals: 0),
                m.winRate.map { "\(NumberFormat.percent($0, decimals: 0, signed: false)) won" } ?? "\(run.openTrades.count) open"
            ),
            card("Exposure", NumberFormat.percent(m.exposure, decimals: 0, signed: false), "time in the market"),
        ]
        return #"<section class="cards">"# + cards.joined() + "</section>\n"
    }

    private static func panel(_ title: String, note: String, _ svg: String) -> String {
        guard !svg.isEmpty else { return "" }
        return #"<section class="panel"><h2>\#(title)</h2><p class="note">\#(HTML.escape(note))</p>"# + "\n" + svg + "\n</section>\n"
    }

    private static func statistics(_ run: RunResult) -> String {
        var html = #"<section class="stats">"#
        for group in run.metricGroups {
            html += #"<div class="panel"><h2>\#(group.title)</h2><table class="kv">"#
            for row in group.rows { html += "<tr><th>\(row.label)</th><td>\(HTML.escape(row.value))</td></tr>" }
            html += "</table></div>"
        }
        return html + "</section>\n"
    }

    private static func positionTable(_ run: RunResult) -> String {
        var html =
            #"<section class="panel"><h2>Positions at the end</h2><p class="note">cash \#(NumberFormat.grouped(run.finalCash)) \#(HTML.escape(run.currency)) + positions at their last price = equity \#(NumberFormat.grouped(run.finalEquity)); profit before fees</p>"#
        guard !run.positions.isEmpty else { return html + "<p>Nothing was traded.</p></section>\n" }
        html +=
            #"<div class="scroll"><table class="list"><thead><tr><th>Holder</th><th>Symbol</th><th class="n">Position</th><th class="n">Avg price</th><th class="n">Last</th><th class="n">Realised</th><th class="n">Unrealised</th><th class="n">Fees</th><th class="n">Net</th></tr></thead><tbody>"#
        for position in run.positions {
            let net = position.realizedProfit + position.unrealizedProfit - position.commission
            let side = position.quantity > 0 ? "long " : position.quantity < 0 ? "short " : ""
            html += "<tr><td>\(position.node.map { "node " + HTML.escape($0) } ?? "<b>account</b>")</td><td>\(HTML.escape(position.symbol))</td>"
            html += "<td class=\"n\">\(position.quantity == 0 ? "flat" : side + NumberFormat.quantity(abs(position.quantity)))</td>"
            html +=
                "<td class=\"n\">\(position.quantity == 0 ? "" : NumberFormat.price(position.averagePrice))</td><td class=\"n\">\(NumberFormat.price(position.lastPrice))</td>"
            html +=
                "<td class=\"n\">\(NumberFormat.grouped(position.realizedProfit))</td><td class=\"n\">\(NumberFormat.grouped(position.unrealizedProfit))</td>"
            html +=
                "<td class=\"n\">\(NumberFormat.grouped(position.commission))</td><td class=\"n \(net > 0 ? "up" : net < 0 ? "down" : "")\">\(NumberFormat.grouped(net))</td></tr>"
        }
        return html + "</tbody></table></div></section>\n"
    }

    private static func tradeTable(_ run: RunResult, charts: ReportCharts) -> String {
        let all = run.trades + run.openTrades
        var html =
            #"<section class="panel"><h2>Trades</h2><p class="note">\#(run.trades.count) closed, \#(run.openTrades.count) open (marked at the last price); entry and exit at the fill price, P&amp;L after commission</p>"#
        guard !all.isEmpty else { return html + "<p>No trades.</p></section>\n" }
        html +=
            #"<div class="scroll"><table class="list"><thead><tr><th>#</th><th>Node</th><th>Symbol</th><th>Side</th><th class="n">Qty</th><th>Entry</th><th class="n">Price</th><th>Exit</th><th class="n">Price</th><th class="n">Bars</th><th class="n">Net P&amp;L</th><th class="n">Return</th></tr></thead><tbody>"#
        for (index, trade) in all.prefix(tradeRows).enumerated() {
            let mark = run.lastPrices[trade.symbol]
            let profit = trade.netProfit(markPrice: mark)
            let tone = profit > 0 ? "up" : profit < 0 ? "down" : ""
            html += "<tr><td>\(index + 1)</td><td>\(HTML.escape(trade.node))</td><td>\(HTML.escape(trade.symbol))</td>"
            html += "<td>\(trade.quantity > 0 ? "long" : "short")</td><td class=\"n\">\(NumberFormat.quantity(abs(trade.quantity)))</td>"
            html += "<td>\(Timestamp.format(trade.entryTime))</td><td class=\"n\">\(NumberFormat.price(trade.entryPrice))</td>"
            html += "<td>\(trade.exitTime.map(Timestamp.format) ?? "open")</td><td class=\"n\">\(NumberFormat.price(trade.exitPrice ?? mark ?? .nan))</td>"
            html += "<td class=\"n\">\(trade.exitBar.map { String($0 &- trade.entryBar) } ?? "")</td>"
            html +=
                "<td class=\"n \(tone)\">\(NumberFormat.grouped(profit))</td><td class=\"n \(tone)\">\(NumberFormat.percent(trade.returnFraction(markPrice: mark)))</td></tr>"
        }
        html += "</tbody></table></div>"
        if all.count > tradeRows { html += #"<p class="note">… and \#(all.count - tradeRows) more; 'trellis report --json' lists them all.</p>"# }
        return html + "</section>\n"
    }

    private static func refusalTable(_ run: RunResult) -> String {
        let refusals = run.refusals
        var html = #"<section class="panel"><h2>Refused orders</h2>"#
        guard !refusals.isEmpty else { return html + #"<p class="note">None: the venue and the risk nodes accepted every order.</p></section>"# + "\n" }
        html +=
            #"<p class="note">\#(refusals.count) orders rejected by the venue, denied by a risk node or a limit, or closed and canceled by a risk node</p><div class="scroll"><table class="list"><thead><tr><th>Time</th><th>Node</th><th>Order</th><th>Symbol</th><th>Side</th><th class="n">Qty</th><th>Outcome</th><th>Reason</th></tr></thead><tbody>"#
        for order in refusals.prefix(tradeRows) {
            html +=
                "<tr><td>\(Timestamp.format(order.time))</td><td>\(HTML.escape(order.node))</td><td>\(order.idText)</td><td>\(HTML.escape(order.symbol))</td>"
            html += "<td>\(order.side == 1 ? "buy" : "sell")</td><td class=\"n\">\(NumberFormat.quantity(order.quantity))</td>"
            html += "<td class=\"down\">\(HTML.escape(order.outcome))</td><td>\(HTML.escape(order.reason))</td></tr>"
        }
        return html + "</tbody></table></div></section>\n"
    }

    private static func provenance(_ run: RunResult) -> String {
        var rows = [
            ("Fingerprint", "<code>\(run.fingerprint)</code>"), ("Orders", "\(run.orderUpdates) updates, \(run.fills) fills"),
            ("Graph", "\(HTML.escape(run.graphFile)) <code>sha256 \(run.graphSHA256)</code>"),
        ]
        for plugin in run.plugins {
            rows.append(
                ("Plugin", "\(HTML.escape(plugin.id)) \(HTML.escape(plugin.version)) · \(HTML.escape(plugin.path)) <code>sha256 \(plugin.sha256)</code>"))
        }
        for feed in run.feeds {
            let files = feed.files.count == 1 ? feed.files[0] : "\(feed.files.count) files"
            rows.append(
                (
                    "Feed \(HTML.escape(feed.name))",
                    "\(HTML.escape(feed.symbol)) · \(HTML.escape(files)) · \(NumberFormat.grouped(Double(feed.events), decimals: 0)) events <code>sha256 \(feed.sha256)</code>"
                ))
        }
        for node in run.nodes {
            rows.append(
                (
                    "Node \(HTML.escape(node.name))",
                    "\(HTML.escape(node.type)) \(HTML.escape(node.version)) from \(HTML.escape(node.plugin)) · <code>\(HTML.escape(node.parameters))</code>"
                ))
        }
        rows.append(("Host", "trellis \(HTML.escape(run.hostVersion)) · event loop \(NumberFormat.grouped(run.loopSeconds * 1000)) ms"))
        var html = #"<section class="panel"><h2>What this run was made of</h2><table class="kv wide">"#
        for (label, value) in rows { html += "<tr><th>\(label)</th><td>\(value)</td></tr>" }
        html += "</table><details><summary>Graph file as run</summary><pre>\(HTML.escape(run.graphText))</pre></details></section>\n"
        return html
    }
}
