/// The page's tables: positions, open orders, hard limits, errors and shadow verdicts.
extension StatusPage {
    /// A column: its title, and whether it holds numbers (right-aligned).
    typealias Column = (title: String, numeric: Bool)

    /// A panel with a title, a note (HTML, may be empty) and a table of `rows` (cells already HTML), or `empty`.
    static func table(_ id: String, _ title: String, note: String = "", _ columns: [Column], _ rows: [[String]], empty: String) -> String {
        var out = "<section class=\"panel\" id=\"\(id)\"><h2>\(title)</h2>"
        out += note
        out += "<div class=\"scroll\"><table class=\"list\"><thead><tr>"
        for column in columns { out += column.numeric ? "<th class=\"n\">\(column.title)</th>" : "<th>\(column.title)</th>" }
        out += "</tr></thead><tbody>\n"
        if rows.isEmpty { out += "<tr><td class=\"empty\" colspan=\"\(columns.count)\">\(empty)</td></tr>\n" }
        for row in rows {
            out += "<tr>"
            for (cell, column) in zip(row, columns) { out += column.numeric ? "<td class=\"n\">\(cell)</td>" : "<td>\(cell)</td>" }
            out += "</tr>\n"
        }
        return out + "</tbody></table></div></section>\n"
    }

    /// A figure coloured by its sign.
    static func toned(_ value: Double) -> String { "<span class=\"\(tone(value))\">\(signed(value))</span>" }

    var positions: String {
        let rows = status.positions.map { position in
            [
                "<b>\(Self.escape(position.symbol))</b>", Self.escape(position.node), Self.quantity(position.quantity), Self.price(position.averagePrice),
                Self.price(position.lastPrice), Self.money(position.quantity * position.lastPrice), Self.toned(position.unrealizedPnL),
            ]
        }
        let columns: [Column] = [
            ("Symbol", false), ("Node", false), ("Quantity", true), ("Avg price", true), ("Last", true), ("Value", true), ("Unrealised P&amp;L", true),
        ]
        return Self.table("positions", "Positions", columns, rows, empty: "No open positions.")
    }

    var orders: String {
        let rows = status.openOrders.map { order in
            [
                Self.time(order.since), Self.escape(order.node), "<b>\(Self.escape(order.symbol))</b>",
                "<span class=\"side \(Self.escape(order.side.lowercased()))\">\(Self.escape(order.side.uppercased()))</span>", Self.escape(order.type),
                Self.quantity(order.quantity), Self.quantity(order.filledQuantity), order.price == 0 ? "—" : Self.price(order.price),
                Self.escape(order.status), Self.escape(order.venue), "<code>\(order.clientOrderID)</code>",
            ]
        }
        let columns: [Column] = [
            ("Since (UTC)", false), ("Node", false), ("Symbol", false), ("Side", false), ("Type", false), ("Quantity", true), ("Filled", true),
            ("Price", true), ("Status", false), ("Venue", false), ("Client ID", false),
        ]
        return Self.table("orders", "Open orders", columns, rows, empty: "No open orders.")
    }

    var limits: String {
        let trading =
            status.state == "halted"
            ? "<p class=\"trading halted\"><b>Halted</b> · \(Self.escape(status.haltReason.flatMap { $0.isEmpty ? nil : $0 } ?? "no reason given"))</p>"
            : "<p class=\"trading ok\"><b>Trading</b> · no limit has halted the host</p>"
        let rows = status.limits.map { [Self.escape($0.name), Self.escape($0.setting), Self.escape($0.state)] }
        return Self.table("limits", "Hard limits", note: trading, [("Limit", false), ("Setting", false), ("Now", false)], rows, empty: "No hard limits set.")
    }

    var errors: String {
        let rows = status.errors.reversed().map { [Self.time($0.time), Self.escape($0.node), "<span class=\"message\">\(Self.escape($0.message))</span>"] }
        let note = status.errors.isEmpty ? "" : "<p class=\"note\">newest first, the last \(status.errors.count)</p>"
        return Self.table("errors", "Last errors", note: note, [("Time (UTC)", false), ("Node", false), ("Message", false)], rows, empty: "No errors.")
    }

    var verdicts: String {
        let rows = status.verdicts.map { verdict in
            [
                "<b>\(Self.escape(verdict.challenger))</b>", Self.escape(verdict.replaces), Self.escape(verdict.verdict), Self.number(verdict.pValue, 4, 4),
                (verdict.difference > 0 ? "+" : "") + Self.number(verdict.difference, 4, 4), Self.count(verdict.championCount),
                Self.count(verdict.challengerCount),
            ]
        }
        let columns: [Column] = [
            ("Challenger", false), ("Replaces", false), ("Verdict", false), ("p-value", true), ("Difference", true), ("Champion n", true),
            ("Challenger n", true),
        ]
        return Self.table("verdicts", "Shadow verdicts", columns, rows, empty: "No shadow branches.")
    }
}
