import Foundation

/// The report's charts, on one time axis: equity, drawdown, each instrument's price with the
/// trades drawn on it, and each trade's return.
struct ReportCharts {
    let run: RunResult
    private let times: [Int64]
    private let equity: [Double]
    private let drawdown: [Double]

    init(run: RunResult) {
        self.run = run
        times = run.equityOpenTimes
        equity = run.equityValues
        var peak = -Double.infinity
        drawdown = run.equityValues.map { value in
            peak = max(peak, value)
            return peak > 0 ? value / peak - 1 : 0
        }
    }

    /// At most this many trades are drawn on a price chart (more would hide the price), and the
    /// first this many have details on hover in the trade-return chart.
    static let markedTrades = 1500

    private var start: Int64 { times.first ?? 0 }
    private var end: Int64 { times.last ?? 0 }

    /// Equity with the starting cash, the deepest drawdown shaded, and the peak and final values
    /// marked.
    var equityChart: String {
        guard !equity.isEmpty else { return "" }
        let low = min(equity.min()!, run.startingCash), high = max(equity.max()!, run.startingCash)
        let pad = (high - low) * 0.06
        let ticks = ChartAxes.valueTicks(low: low - pad, high: high + pad)
        var chart = SVGChart(
            height: 360, start: start, end: end, low: min(low - pad, ticks.first ?? low), high: max(high + pad, ticks.last ?? high))
        if let (peak, trough) = deepestDrawdown {
            chart.add(
                #"<rect class="dd-span" x="\#(px(chart.x(times[peak])))" y="\#(px(chart.top))" width="\#(px(chart.x(times[trough]) - chart.x(times[peak])))" height="\#(px(chart.height - chart.top - chart.bottom))"><title>Deepest drawdown: \#(NumberFormat.percent(drawdown[trough])), \#(Timestamp.format(times[peak])) → \#(Timestamp.format(times[trough]))</title></rect>"#
            )
        }
        let step = (ticks.count > 1 ? ticks[1] - ticks[0] : 1)
        chart.addGrid(valueTicks: ticks) { NumberFormat.grouped($0, decimals: step < 1 ? 2 : 0) }
        chart.add(
            #"<line class="cash" x1="\#(px(chart.left))" x2="\#(px(SVGChart.width - chart.right))" y1="\#(px(chart.y(run.startingCash)))" y2="\#(px(chart.y(run.startingCash)))"><title>Starting cash \#(NumberFormat.grouped(run.startingCash))</title></line>"#
        )
        chart.addSeries(times: times, values: equity, lineClass: "equity", areaClass: "equity-area", baseline: chart.low)
        if let peak = equity.indices.max(by: { equity[$0] < equity[$1] }) {
            chart.add(
                #"<circle class="peak" cx="\#(px(chart.x(times[peak])))" cy="\#(px(chart.y(equity[peak])))" r="4"><title>Peak \#(NumberFormat.grouped(equity[peak])) on \#(Timestamp.format(times[peak]))</title></circle>"#
            )
        }
        let last = equity.count - 1
        chart.add(
            #"<circle class="final" cx="\#(px(chart.x(times[last])))" cy="\#(px(chart.y(equity[last])))" r="4"><title>Final \#(NumberFormat.grouped(equity[last]))</title></circle>"#
        )
        return chart.svg
    }

    /// The labels of each node that gates others (the regime), as coloured bands on the equity
    /// chart's time axis: one row per node, a legend after. Empty when no node gates another.
    var regimeChart: String {
        guard !run.labels.isEmpty, !times.isEmpty else { return "" }
        let nodes = run.labels.reduce(into: [String]()) { if !$0.contains($1.node) { $0.append($1.node) } }
        let rowHeight = 22.0
        var chart = SVGChart(height: 14 + Double(nodes.count) * (rowHeight + 6) + 26, start: start, end: end, low: 0, high: 1)
        var labels: [String] = []
        for (row, node) in nodes.enumerated() {
            let changes = run.labels.filter { $0.node == node }
            let y = chart.top + Double(row) * (rowHeight + 6)
            chart.add(#"<text class="axis" x="\#(px(chart.left - 8))" y="\#(px(y + rowHeight / 2 + 4))" text-anchor="end">\#(HTML.escape(node))</text>"#)
            for (index, change) in changes.enumerated() {
                let from = max(change.time, start), to = index + 1 < changes.count ? changes[index + 1].time : end
                guard to >= from else { continue }
                if !labels.contains(change.label) { labels.append(change.label) }
                let width = max(0.5, chart.x(to) - chart.x(from))
                chart.add(
                    #"<rect class="regime" style="fill: \#(Self.regimeColour(change.label))" x="\#(px(chart.x(from)))" y="\#(px(y))" width="\#(px(width))" height="\#(px(rowHeight))"><title>\#(HTML.escape(change.label)): \#(Timestamp.format(from)) → \#(Timestamp.format(to))</title></rect>"#
                )
            }
        }
        chart.addGrid(valueTicks: []) { _ in "" }
        let legend = labels.map { #"<span class="swatch" style="background: \#(Self.regimeColour($0))"></span>\#(HTML.escape($0))"# }
        return chart.svg + "\n" + #"<p class="legend">\#(legend.joined(separator: " "))</p>"#
    }

    /// A colour per label: the classifier's four get fixed ones, any other one from its name.
    static func regimeColour(_ label: String) -> String {
        switch label {
        case "trending-up": return "#16a34a"
        case "trending-down": return "#dc2626"
        case "ranging": return "#2563eb"
        case "volatile": return "#f59e0b"
        default:
            let palette = ["#7c3aed", "#0891b2", "#db2777", "#65a30d", "#ea580c", "#475569"]
            return palette[Int(label.utf8.reduce(UInt32(7)) { $0 &* 31 &+ UInt32($1) } % UInt32(palette.count))]
        }
    }

    /// An instrument's price with its trades: an entry triangle (up for long, down for short) at
    /// the fill, a dot at the exit (green for a win, red for a loss), and a line between them.
    func priceChart(_ series: RunResult.PriceSeries) -> String {
        let trades = (run.trades + run.openTrades).enumerated().filter { $0.element.symbol == series.symbol }
        let marks = series.prices + trades.flatMap { [$0.element.entryPrice] + ($0.element.exitPrice.map { [$0] } ?? []) }
        guard let low = marks.min(), let high = marks.max() else { return "" }
        let pad = (high - low) * 0.06
        let ticks = ChartAxes.valueTicks(low: low - pad, high: high + pad)
        var chart = SVGChart(
            height: 320, start: start, end: end, low: min(low - pad, ticks.first ?? low), high: max(high + pad, ticks.last ?? high))
        let step = (ticks.count > 1 ? ticks[1] - ticks[0] : 1)
        chart.addGrid(valueTicks: ticks) { NumberFormat.grouped($0, decimals: step < 1 ? (step < 0.01 ? 5 : 2) : 0) }
        chart.addSeries(times: series.times, values: series.prices, lineClass: "price")
        let size = trades.count > 300 ? 3.0 : 5.0
        for (index, trade) in trades where trades.count <= Self.markedTrades {
            let title = HTML.escape(tradeTitle(index + 1, trade))
            let (x, y) = (chart.x(trade.entryTime), chart.y(trade.entryPrice))
            let tone = trade.netProfit(markPrice: run.lastPrices[trade.symbol]) > 0 ? "win" : "loss"
            if let exitTime = trade.exitTime, let exitPrice = trade.exitPrice {
                chart.add(
                    #"<line class="link \#(tone)" x1="\#(px(x))" y1="\#(px(y))" x2="\#(px(chart.x(exitTime)))" y2="\#(px(chart.y(exitPrice)))"/>"#)
                chart.add(
                    #"<circle class="exit \#(tone)" cx="\#(px(chart.x(exitTime)))" cy="\#(px(chart.y(exitPrice)))" r="\#(px(size * 0.75))"><title>\#(title)</title></circle>"#
                )
            }
            let (apex, base) = trade.quantity > 0 ? (y + 2, y + 2 + size * 1.7) : (y - 2, y - 2 - size * 1.7)
            let points = "\(px(x)),\(px(apex)) \(px(x - size)),\(px(base)) \(px(x + size)),\(px(base))"
            chart.add(#"<polygon class="entry \#(trade.quantity > 0 ? "long" : "short")" points="\#(points)"><title>\#(title)</title></polygon>"#)
        }
        return chart.svg
    }

    /// Drawdown from the running peak, with the deepest point labelled.
    var drawdownChart: String {
        guard let deepest = drawdown.min() else { return "" }
        let ticks = ChartAxes.valueTicks(low: deepest * 1.08, high: 0, count: 3)
        var chart = SVGChart(height: 170, start: start, end: end, low: min(deepest * 1.08, ticks.first ?? 0) - 1e-12, high: 0)
        chart.addGrid(valueTicks: ticks) { NumberFormat.percent($0, decimals: 0, signed: false) }
        chart.addSeries(times: times, values: drawdown, lineClass: "dd-line", areaClass: "dd-area", baseline: 0)
        if let (_, trough) = deepestDrawdown {
            let x = chart.x(times[trough])
            chart.add(
                #"<text class="dd-label" x="\#(px(x))" y="\#(px(chart.y(drawdown[trough]) + 14))" text-anchor="\#(x > SVGChart.width * 0.8 ? "end" : "middle")">\#(NumberFormat.percent(drawdown[trough], decimals: 1, signed: false))</text>"#
            )
        }
        return chart.svg
    }

    /// Each closed trade's return, as a bar at its exit.
    var tradeChart: String {
        let returns = run.trades.compactMap { trade in trade.exitTime.map { ($0, trade.returnFraction()) } }
        guard !returns.isEmpty else { return "" }
        let low = min(0, returns.map(\.1).min()!), high = max(0, returns.map(\.1).max()!)
        let pad = (high - low) * 0.08
        let ticks = ChartAxes.valueTicks(low: low - pad, high: high + pad, count: 4)
        var chart = SVGChart(height: 190, start: start, end: end, low: min(low - pad, ticks.first ?? low), high: max(high + pad, ticks.last ?? high))
        chart.addGrid(valueTicks: ticks) { NumberFormat.percent($0, decimals: 0, signed: $0 != 0) }
        let width = min(8, max(1.5, chart.plotWidth / Double(returns.count) * 0.5))
        for (index, (time, value)) in returns.enumerated() {
            let (top, bottom) = (chart.y(max(value, 0)), chart.y(min(value, 0)))
            chart.add(
                #"<rect class="bar \#(value > 0 ? "win" : "loss")" x="\#(px(chart.x(time) - width / 2))" y="\#(px(top))" width="\#(px(width))" height="\#(px(max(bottom - top, 0.8)))">\#(index < Self.markedTrades ? "<title>\(HTML.escape(tradeTitle(index + 1, run.trades[index])))</title>" : "")</rect>"#
            )
        }
        chart.add(#"<line class="zero" x1="\#(px(chart.left))" x2="\#(px(SVGChart.width - chart.right))" y1="\#(px(chart.y(0)))" y2="\#(px(chart.y(0)))"/>"#)
        return chart.svg
    }

    /// The step of the highest equity before the deepest drawdown, and the step of its bottom.
    private var deepestDrawdown: (Int, Int)? {
        guard let trough = drawdown.indices.min(by: { drawdown[$0] < drawdown[$1] }), drawdown[trough] < 0 else { return nil }
        let peak = equity[...trough].indices.max { equity[$0] < equity[$1] } ?? trough
        return (peak, trough)
    }

    func tradeTitle(_ number: Int, _ trade: Trade) -> String {
        let mark = run.lastPrices[trade.symbol]
        let exit = trade.exitTime.map { "exit \(Timestamp.format($0)) at \(NumberFormat.price(trade.exitPrice ?? .nan))" } ?? "open"
        return
            "Trade \(number): \(trade.quantity > 0 ? "long" : "short") \(NumberFormat.quantity(abs(trade.quantity))) \(trade.symbol), entry \(Timestamp.format(trade.entryTime)) at \(NumberFormat.price(trade.entryPrice)), \(exit), \(NumberFormat.grouped(trade.netProfit(markPrice: mark))) (\(NumberFormat.percent(trade.returnFraction(markPrice: mark))))"
    }
}
