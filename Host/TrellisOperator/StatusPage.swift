import Foundation

/// The status page at `GET /`: what a person reads at a glance about a running host.
///
/// The page is rendered here from the latest snapshot, so it reads with JavaScript off; a short
/// inline script (``StatusPageScript``) then fetches `/status` every 2 s and renders the `live`
/// part again the same way. Self-contained: inline style and script, no external resources.
struct StatusPage {
    let status: OperatorStatus
    let health: OperatorHealth
    /// When the engine counts as stale, for the script's own warning.
    var staleAfter: Duration = .seconds(5)
    let now: Date

    /// The whole page.
    var html: String {
        let title = "Trellis \(status.isLive ? "LIVE" : "paper") · \(status.graph.isEmpty ? "operator" : status.graph)"
        let staleMilliseconds = staleAfter.components.seconds * 1000 + staleAfter.components.attoseconds / 1_000_000_000_000_000
        let rendered = Self.time(Int64(now.timeIntervalSince1970 * 1e9))
        return """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(Self.escape(title))</title>
            <style>\(StatusPageStyle.css)</style>
            </head>
            <body class="\(status.realMoney ? "real" : "")" data-stale-ms="\(staleMilliseconds)">
            <main>
            <div id="live">
            \(live)
            </div>
            <footer><span id="refresh">Rendered by the host at \(rendered) UTC; refreshes every 2 s with JavaScript on.</span>
            Raw: <a href="status">/status</a> · <a href="metrics">/metrics</a> · <a href="health">/health</a></footer>
            </main>
            <script>\(StatusPageScript.source)</script>
            </body>
            </html>

            """
    }

    /// The part the script renders again on every refresh.
    var live: String {
        banners + header + cards + positions + orders + "<div class=\"two\">" + limits + errors + "</div>" + verdicts
    }

    /// Red and amber strips on top: real money, halted, stale or stopping.
    var banners: String {
        var out = ""
        if status.realMoney {
            out += "<div class=\"banner money\"><b>REAL MONEY</b> · orders go to a real account</div>\n"
        }
        switch health.status {
        case .ok: break
        case .halted: out += "<div class=\"banner halt\"><b>HALTED</b> · \(Self.escape(health.reason ?? ""))</div>\n"
        case .stale: out += "<div class=\"banner stale\"><b>NO UPDATE</b> · \(Self.escape(health.reason ?? ""))</div>\n"
        case .stopping: out += "<div class=\"banner stale\"><b>STOPPING</b> · \(Self.escape(health.reason ?? ""))</div>\n"
        }
        return out
    }

    /// The graph's name with the mode and state badges, and the run's line.
    var header: String {
        let mode = status.isLive ? "<span class=\"badge live\">LIVE</span>" : "<span class=\"badge paper\">PAPER</span>"
        let money = status.realMoney ? " <span class=\"badge money\">REAL MONEY</span>" : ""
        let state =
            "<span class=\"badge state \(Self.escape(status.state))\">\(Self.escape(status.state.uppercased().replacingOccurrences(of: "-", with: " ")))</span>"
        var meta = "run <code>\(Self.escape(status.runID.isEmpty ? "—" : status.runID))</code>"
        if status.startedAt > 0 {
            meta += " · started \(Self.dateTime(status.startedAt)) UTC"
            meta += " · up \(Self.span(status.updatedAt - status.startedAt))"
        }
        if status.updatedAt > 0 { meta += " · updated \(Self.time(status.updatedAt)) UTC" }
        return """
            <header>
            <div class="eyebrow">Trellis operator</div>
            <h1><span class="graph">\(Self.escape(status.graph.isEmpty ? "Trellis host" : status.graph))</span> \(mode)\(money) \(state)</h1>
            <p class="meta">\(meta)</p>
            </header>

            """
    }

    /// Equity, P&L, cash, orders and events, as cards.
    var cards: String {
        let change = status.equity - status.startingEquity
        let percent =
            status.startingEquity > 0 && change.isFinite ? " (\(change >= 0 ? "+" : "")\(Self.number(change / status.startingEquity * 100, 2, 2))%)" : ""
        let currency = Self.escape(status.currency)
        let cards = [
            Self.card("Equity", Self.money(status.equity), "", "<span class=\"\(Self.tone(change))\">\(Self.signed(change))\(percent)</span> since start"),
            Self.card("Realised P&amp;L", Self.signed(status.realizedPnL), Self.tone(status.realizedPnL), "after commission"),
            Self.card(
                "Unrealised P&amp;L", Self.signed(status.unrealizedPnL), Self.tone(status.unrealizedPnL),
                "\(status.positions.count) open position\(status.positions.count == 1 ? "" : "s")"),
            Self.card("Cash", Self.money(status.cash), "", currency),
            Self.card("Orders", Self.count(status.orders), "", "\(Self.count(status.fills)) fills · \(status.openOrders.count) open"),
            Self.card("Events", Self.count(status.events), "", "queue depth \(Self.count(status.queueDepth))"),
        ]
        return "<section class=\"cards\">\n" + cards.joined() + "</section>\n"
    }

    /// One card: a label, a big figure (coloured by `tone`) and a line below it.
    static func card(_ label: String, _ value: String, _ tone: String, _ detail: String) -> String {
        "<div class=\"card\"><div class=\"label\">\(label)</div><div class=\"value \(tone)\">\(value)</div><div class=\"detail\">\(detail)</div></div>\n"
    }
}
