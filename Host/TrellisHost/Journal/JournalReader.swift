import Foundation
import GRDB

/// Reads one run back from the journal's tables into the `RunResult` it was written from.
struct JournalReader {
    let db: Database
    let id: String

    func read() throws -> RunResult {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE id = ?", arguments: [id]) else {
            throw JournalError("run \(id) vanished while it was read")
        }
        let (closed, open) = try trades()
        let equity = try Row.fetchAll(db, sql: "SELECT time, open_time, equity FROM equity WHERE run_id = ? ORDER BY step", arguments: [id])
        return RunResult(
            runID: id, startedAt: row["started_at"], hostVersion: row["host_version"], graphFile: row["graph_file"], graphSHA256: row["graph_sha256"],
            graphText: row["graph_text"], description: row["description"], startingCash: row["starting_cash"],
            finalCash: row["final_cash"], finalEquity: row["final_equity"], currency: row["currency"], trades: closed, openTrades: open,
            lastPrices: try JournalJSON.value([String: Double].self, from: row["last_prices"]), positions: try positions(), fingerprint: row["fingerprint"],
            orderUpdates: row["order_updates"], fills: row["fills"], events: row["events"], firstTime: row["first_time"],
            lastTime: row["last_time"], equityTimes: equity.map { $0["time"] }, equityOpenTimes: equity.map { $0["open_time"] },
            equityValues: equity.map { $0["equity"] }, metrics: try JournalJSON.value(Metrics.self, from: row["metrics"]),
            prices: try prices(),
            nodes: try nodes(), plugins: try plugins(), feeds: try feeds(), orders: try orders(), labels: try labels(),
            warnings: try JournalJSON.value([String].self, from: row["warnings"]), shadow: try shadow(), loopSeconds: row["loop_seconds"])
    }

    private func trades() throws -> (closed: [Trade], open: [Trade]) {
        let all = try Row.fetchAll(db, sql: "SELECT * FROM trades WHERE run_id = ? ORDER BY seq", arguments: [id]).map { row in
            Trade(
                node: row["node"], symbol: row["symbol"], quantity: row["quantity"], entryTime: row["entry_time"],
                entryPrice: row["entry_price"], entryBar: row["entry_bar"], entryStep: row["entry_step"], exitStep: row["exit_step"],
                exitTime: row["exit_time"], exitPrice: row["exit_price"], exitBar: row["exit_bar"], commission: row["commission"])
        }
        return (all.filter { !$0.isOpen }, all.filter(\.isOpen))
    }

    private func prices() throws -> [RunResult.PriceSeries] {
        let rows = try Row.fetchAll(
            db, sql: "SELECT position, symbol, time, price FROM prices WHERE run_id = ? ORDER BY position, seq", arguments: [id])
        var series: [RunResult.PriceSeries] = []
        var current = -1
        for row in rows {
            let (position, symbol): (Int, String) = (row["position"], row["symbol"])
            if position != current {
                current = position
                series.append(RunResult.PriceSeries(symbol: symbol, times: [], prices: []))
            }
            series[series.count - 1].times.append(row["time"])
            series[series.count - 1].prices.append(row["price"])
        }
        return series
    }

    private func positions() throws -> [RunResult.Position] {
        try Row.fetchAll(db, sql: "SELECT * FROM positions WHERE run_id = ? ORDER BY seq", arguments: [id]).map { row in
            RunResult.Position(
                node: row["node"], symbol: row["symbol"], quantity: row["quantity"], averagePrice: row["average_price"],
                lastPrice: row["last_price"], realizedProfit: row["realized_profit"], unrealizedProfit: row["unrealized_profit"],
                commission: row["commission"])
        }
    }

    private func nodes() throws -> [RunResult.NodeReport] {
        try Row.fetchAll(db, sql: "SELECT * FROM run_nodes WHERE run_id = ? ORDER BY position", arguments: [id]).map { row in
            RunResult.NodeReport(
                name: row["name"], type: row["type"], plugin: row["plugin"], version: row["version"], parameters: row["parameters"],
                eventsDelivered: row["events"], failures: row["failures"], warmupBars: row["warmup_bars"])
        }
    }

    private func plugins() throws -> [RunResult.PluginReport] {
        try Row.fetchAll(db, sql: "SELECT * FROM run_plugins WHERE run_id = ? ORDER BY plugin", arguments: [id]).map { row in
            RunResult.PluginReport(id: row["plugin"], version: row["version"], path: row["path"], sha256: row["sha256"])
        }
    }

    private func feeds() throws -> [RunResult.FeedReport] {
        try Row.fetchAll(db, sql: "SELECT * FROM run_feeds WHERE run_id = ? ORDER BY position", arguments: [id]).map { row in
            RunResult.FeedReport(
                name: row["name"], symbol: row["symbol"], files: try JournalJSON.value([String].self, from: row["files"]),
                sha256: row["sha256"], events: row["events"])
        }
    }

    private func orders() throws -> [RunResult.OrderEvent] {
        try Row.fetchAll(db, sql: "SELECT * FROM order_events WHERE run_id = ? ORDER BY seq", arguments: [id]).map { row in
            let orderID: Int64 = row["order_id"]
            return RunResult.OrderEvent(
                time: row["time"], kind: RunResult.OrderEvent.Kind(rawValue: row["kind"]) ?? .update, node: row["node"],
                orderID: UInt64(bitPattern: orderID), symbol: row["symbol"], side: row["side"], status: row["status"],
                quantity: row["quantity"], price: row["price"], commission: row["commission"], reasonCode: row["reason_code"],
                reason: row["reason"], reporter: row["reporter"])
        }
    }

    private func labels() throws -> [RunResult.LabelChange] {
        try Row.fetchAll(db, sql: "SELECT * FROM labels WHERE run_id = ? ORDER BY seq", arguments: [id]).map { row in
            RunResult.LabelChange(node: row["node"], time: row["time"], label: row["label"])
        }
    }

    /// The shadow ledgers and verdicts, or nil for a run without challengers.
    private func shadow() throws -> RunResult.ShadowReport? {
        let sides = try Row.fetchAll(db, sql: "SELECT * FROM shadow_sides WHERE run_id = ? ORDER BY challenger, side DESC", arguments: [id])
        guard !sides.isEmpty else { return nil }
        func ledger(_ position: Int, _ side: String, _ row: Row) throws -> RunResult.Ledger {
            let points = try Row.fetchAll(
                db, sql: "SELECT open_time, equity FROM shadow_equity WHERE run_id = ? AND challenger = ? AND side = ? ORDER BY step",
                arguments: [id, position, side])
            let trades = try String.fetchAll(
                db, sql: "SELECT trade FROM shadow_trades WHERE run_id = ? AND challenger = ? AND side = ? ORDER BY seq", arguments: [id, position, side]
            ).map { try JournalJSON.value(Trade.self, from: $0) }
            return RunResult.Ledger(
                times: points.map { $0["open_time"] }, equity: points.map { $0["equity"] }, trades: trades.filter { !$0.isOpen },
                openTrades: trades.filter(\.isOpen), metrics: try JournalJSON.value(Metrics.self, from: row["metrics"]))
        }
        var challengers: [RunResult.Challenger] = []
        for position in Set(sides.map { $0["challenger"] as Int }).sorted() {
            guard let champion = sides.first(where: { $0["challenger"] == position && $0["side"] == "champion" }),
                let challenger = sides.first(where: { $0["challenger"] == position && $0["side"] == "challenger" })
            else { continue }
            challengers.append(
                RunResult.Challenger(
                    name: challenger["name"], replaces: challenger["replaces"],
                    championNodes: try JournalJSON.value([String].self, from: champion["nodes"]),
                    challengerNodes: try JournalJSON.value([String].self, from: challenger["nodes"]), championParameters: champion["parameters"],
                    challengerParameters: challenger["parameters"], championUse: champion["use"], challengerUse: challenger["use"],
                    champion: try ledger(position, "champion", champion), challenger: try ledger(position, "challenger", challenger)))
        }
        let verdicts = try Row.fetchAll(db, sql: "SELECT * FROM shadow_verdicts WHERE run_id = ? ORDER BY seq", arguments: [id]).map { row in
            RunResult.ShadowVerdict(
                time: row["time"], tester: row["tester"], challenger: row["challenger"], verdict: row["verdict"], judgedBy: row["judged_by"],
                championCount: row["champion_count"], challengerCount: row["challenger_count"], championMean: row["champion_mean"],
                challengerMean: row["challenger_mean"], difference: row["difference"], effectSize: row["effect_size"], pValue: row["p_value"],
                naivePValue: row["naive_p_value"], intervalLow: row["interval_low"], intervalHigh: row["interval_high"])
        }
        return RunResult.ShadowReport(challengers: challengers, verdicts: verdicts)
    }
}
