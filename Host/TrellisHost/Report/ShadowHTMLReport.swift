import Foundation

/// A run's shadow A/B as one self-contained HTML page: per challenger, the verdict with one
/// sentence on what it means, both sides' equity curves, the p-value at every look, the verdict
/// history and both ledgers side by side. No script, font or style is fetched.
public enum ShadowHTMLReport {
    public static func render(_ run: RunResult) -> String {
        let name = run.graphFile.split(separator: "/").last.map(String.init) ?? run.graphFile
        var page = HTML.pageStart(title: "\(name) · Trellis shadow A/B \(run.runID)", style: HTMLReportStyle.css + css)
        page += """
            <header>
            <div class="eyebrow">Trellis shadow A/B</div>
            <h1>\(HTML.escape(name))</h1>
            \(run.description.map { #"<p class="description">\#(HTML.escape($0))</p>"# } ?? "")
            <p class="meta">\(Timestamp.format(run.firstTime)) → \(Timestamp.format(run.lastTime)) · run <code>\(HTML.escape(run.runID))</code> · each challenger trades on its own simulated ledger, at the prices the champion sees; only the champion's orders are real</p>
            </header>

            """
        for challenger in run.shadow?.challengers ?? [] {
            page += section(challenger, run: run)
        }
        if run.shadow == nil { page += #"<p class="warning">This run has no shadow challengers.</p>"# }
        page += """
            <section class="panel"><h2>How to read this</h2>
            <p class="note">Both sides start with the same cash and see the same prices. The tester compares their returns per period (or per trade). A difference can come from luck; the <b>p-value</b> is the chance that luck alone made a gap at least this large. Because the tester looks again after every period, it uses a <b>sequential guard</b> (a mixture sequential probability ratio test): its p-value stays honest however often it looks, where the naive one (Welch's t-test at one look, drawn dotted) would cry wolf far more often than its level says. The verdict changes only when the guarded p-value falls below the tester's alpha and the bootstrap interval of the difference agrees on its sign. docs/shadow.md has the details.</p>
            </section>
            <footer>Made by trellis \(PluginLoader.hostVersion) from run \(HTML.escape(run.runID)).</footer>
            </main>
            </body>
            </html>

            """
        return page
    }

    private static func section(_ challenger: RunResult.Challenger, run: RunResult) -> String {
        let looks = run.shadow?.verdicts.filter { $0.challenger == challenger.name } ?? []
        var html = #"<h2 class="challenger">\#(HTML.escape(challenger.name)) <span class="vs">against</span> \#(HTML.escape(challenger.replaces))</h2>"# + "\n"
        if let last = looks.last {
            let tone = ["challenger-better": "up", "champion-better": "down", "no-difference": "even"][last.verdict] ?? "wait"
            var figures = "p = \(ShadowExplanation.pText(last.pValue)) · effect size \(NumberFormat.grouped(last.effectSize)) standard deviations"
            if let low = last.intervalLow, let high = last.intervalHigh {
                figures +=
                    " · the difference lies between \(ShadowExplanation.percent(low)) and \(ShadowExplanation.percent(high)) a \(ShadowExplanation.unitName(last.judgedBy))"
            }
            figures += " · \(looks.count) looks, \(last.challengerCount) \(last.judgedBy) on each side"
            html += """
                <section class="verdict \(tone)"><div class="label">Latest verdict, \(Timestamp.format(last.time)) · tester \(HTML.escape(last.tester))</div>
                <div class="value">\(ShadowExplanation.title(last.verdict))</div>
                <p class="meaning">\(HTML.escape(ShadowExplanation.sentence(last, champion: challenger.replaces)))</p>
                <p class="note">\(HTML.escape(figures))</p></section>

                """
        } else {
            html += #"<p class="warning">No verdict: the graph has no tester. Add one under shadow: (verdict: { use: ab-shadow }).</p>"#
        }
        html += panel(
            "Equity of both sides",
            note: "blue: the champion's nodes (\(challenger.championNodes.joined(separator: ", "))) · orange: the challenger's · dashed: the starting cash",
            equityChart(challenger, cash: run.startingCash))
        if !looks.isEmpty {
            let alpha = alphaOf(looks.last!.tester, in: run)
            let note =
                "solid: the guarded p-value the verdict uses · dotted: the naive p-value of each look alone · red line: alpha \(alpha.map { NumberFormat.grouped($0) } ?? "")"
            html += panel("p-value at each look", note: note, pValueChart(looks, alpha: alpha))
            html += historyTable(looks, champion: challenger.replaces)
        }
        html += ledgerTable(challenger, cash: run.startingCash)
        return html
    }

    private static func panel(_ title: String, note: String, _ svg: String) -> String {
        guard !svg.isEmpty else { return "" }
        return #"<section class="panel"><h2>\#(title)</h2><p class="note">\#(HTML.escape(note))</p>"# + "\n" + svg + "\n</section>\n"
    }

    private static func equityChart(_ challenger: RunResult.Challenger, cash: Double) -> String {
        let champion = challenger.champion, other = challenger.challenger
        guard let start = (champion.times + other.times).min(), let end = (champion.times + other.times).max(),
            let low = (champion.equity + other.equity + [cash]).min(), let high = (champion.equity + other.equity + [cash]).max()
        else { return "" }
        let pad = (high - low) * 0.06
        let ticks = ChartAxes.valueTicks(low: low - pad, high: high + pad)
        var chart = SVGChart(height: 340, start: start, end: end, low: min(low - pad, ticks.first ?? low), high: max(high + pad, ticks.last ?? high))
        let step = ticks.count > 1 ? ticks[1] - ticks[0] : 1
        chart.addGrid(valueTicks: ticks) { NumberFormat.grouped($0, decimals: step < 1 ? 2 : 0) }
        chart.add(
            #"<line class="cash" x1="\#(px(chart.left))" x2="\#(px(SVGChart.width - chart.right))" y1="\#(px(chart.y(cash)))" y2="\#(px(chart.y(cash)))"/>"#)
        chart.addSeries(times: champion.times, values: champion.equity, lineClass: "equity")
        chart.addSeries(times: other.times, values: other.equity, lineClass: "challenger-line")
        return chart.svg
    }

    private static func pValueChart(_ looks: [RunResult.ShadowVerdict], alpha: Double?) -> String {
        guard let start = looks.first?.time, let end = looks.last?.time else { return "" }
        var chart = SVGChart(height: 220, start: start, end: end, low: 0, high: 1)
        chart.addGrid(valueTicks: [0, 0.25, 0.5, 0.75, 1]) { NumberFormat.grouped($0) }
        if let alpha {
            chart.add(
                #"<line class="alpha" x1="\#(px(chart.left))" x2="\#(px(SVGChart.width - chart.right))" y1="\#(px(chart.y(alpha)))" y2="\#(px(chart.y(alpha)))"/>"#
            )
        }
        let naive = looks.filter { $0.naivePValue != nil }
        chart.addSeries(times: naive.map(\.time), values: naive.map { $0.naivePValue! }, lineClass: "naive-p")
        chart.addSeries(times: looks.map(\.time), values: looks.map(\.pValue), lineClass: "guarded-p")
        return chart.svg
    }

    private static func historyTable(_ looks: [RunResult.ShadowVerdict], champion: String) -> String {
        var html =
            #"<section class="panel"><h2>Verdict history</h2><p class="note">each change of verdict, with the figures at that look</p><table class="list"><thead><tr><th>From</th><th>Verdict</th><th class="n">Returns each</th><th class="n">p (guarded)</th><th class="n">p (naive)</th><th class="n">Effect size</th><th>What it meant</th></tr></thead><tbody>"#
        for look in ShadowText.changes(looks) {
            html += "<tr><td>\(Timestamp.format(look.time))</td><td>\(ShadowExplanation.title(look.verdict))</td><td class=\"n\">\(look.challengerCount)</td>"
            html += "<td class=\"n\">\(ShadowExplanation.pText(look.pValue))</td><td class=\"n\">\(look.naivePValue.map(ShadowExplanation.pText) ?? "–")</td>"
            html +=
                "<td class=\"n\">\(NumberFormat.grouped(look.effectSize))</td><td class=\"wrap\">\(HTML.escape(ShadowExplanation.sentence(look, champion: champion)))</td></tr>"
        }
        return html + "</tbody></table></section>\n"
    }

    private static func ledgerTable(_ challenger: RunResult.Challenger, cash: Double) -> String {
        func row(_ label: String, _ value: (RunResult.Ledger) -> String) -> String {
            "<tr><th>\(label)</th><td>\(HTML.escape(value(challenger.champion)))</td><td>\(HTML.escape(value(challenger.challenger)))</td></tr>"
        }
        let optional = { (value: Double?) in value.map { NumberFormat.grouped($0) } ?? "–" }
        var html =
            #"<section class="panel"><h2>Ledgers</h2><table class="kv ledgers"><tr><th></th><td><b>champion</b> \#(HTML.escape(challenger.replaces))</td><td><b>challenger</b> \#(HTML.escape(challenger.name))</td></tr>"#
        html += "<tr><th>node type</th><td>\(HTML.escape(challenger.championUse))</td><td>\(HTML.escape(challenger.challengerUse))</td></tr>"
        html +=
            "<tr><th>parameters</th><td><code>\(HTML.escape(challenger.championParameters))</code></td><td><code>\(HTML.escape(challenger.challengerParameters))</code></td></tr>"
        html += row("final equity") { NumberFormat.grouped($0.finalEquity) }
        html += row("return") { NumberFormat.percent($0.finalEquity / cash - 1) }
        html += row("closed trades") { "\($0.trades.count)" }
        html += row("won") { $0.metrics.winRate.map { NumberFormat.percent($0, decimals: 0, signed: false) } ?? "–" }
        html += row("max drawdown") { NumberFormat.percent(-$0.metrics.maxDrawdown, decimals: 1) }
        html += row("Sharpe ratio") { optional($0.metrics.sharpe) }
        html += row("profit factor") { optional($0.metrics.profitFactor) }
        html += row("commission") { NumberFormat.grouped($0.metrics.commissions) }
        return html + "</table></section>\n"
    }

    /// The tester's alpha, from its parameters as the run recorded them.
    private static func alphaOf(_ tester: String, in run: RunResult) -> Double? {
        guard let node = run.nodes.first(where: { $0.name == tester }),
            let params = (try? JSONSerialization.jsonObject(with: Data(node.parameters.utf8))) as? [String: Any]
        else { return nil }
        return params["alpha"] as? Double
    }

    private static let css = """
        h2.challenger { font-size: 20px; margin: 22px 0 10px; } h2.challenger .vs { color: var(--muted); font-weight: 400; }
        .verdict { border-radius: 10px; padding: 14px 18px; margin-bottom: 16px; border: 1px solid var(--line); background: var(--panel); }
        .verdict .label { color: var(--muted); font-size: 12px; }
        .verdict .value { font-size: 26px; font-weight: 700; margin: 2px 0 6px; }
        .verdict .meaning { font-size: 16px; margin: 0 0 6px; }
        .verdict.up { border-left: 6px solid var(--up); } .verdict.up .value { color: var(--up); }
        .verdict.down { border-left: 6px solid var(--down); } .verdict.down .value { color: var(--down); }
        .verdict.even { border-left: 6px solid var(--blue); } .verdict.wait { border-left: 6px solid #9ca3af; }
        svg .challenger-line { fill: none; stroke: #ea580c; stroke-width: 1.6; stroke-linejoin: round; }
        svg .guarded-p { fill: none; stroke: var(--blue); stroke-width: 1.8; }
        svg .naive-p { fill: none; stroke: #6b7280; stroke-width: 1.1; stroke-dasharray: 2 3; }
        svg .alpha { stroke: var(--down); stroke-dasharray: 6 3; }
        .list td.wrap { white-space: normal; min-width: 320px; }
        .ledgers td { text-align: left !important; }

        """
}
