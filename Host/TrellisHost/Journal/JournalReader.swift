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
        let orders = try orders()
        return RunResult(
            runID: id, startedAt: row[tolerant: "started_at"], hostVersion: row[tolerant: "host_version"], graphFile: row[tolerant: "graph_file"],
            graphSHA256: row[tolerant: "graph_sha256"],
            graphText: row[tolerant: "graph_text"], description: row[tolerant: "description"], startingCash: row[tolerant: "starting_cash"],
            finalCash: row[tolerant: "final_cash"], finalEquity: row[tolerant: "final_equity"], currency: row[tolerant: "currency"], trades: closed,
            openTrades: open,
            lastPrices: try JournalJSON.value([String: Double].self, from: row[tolerant: "last_prices"]), positions: try positions(),
            fingerprint: row[tolerant: "fingerprint"],
            orderUpdates: row[tolerant: "order_updates"], fills: row[tolerant: "fills"], events: row[tolerant: "events"],
            firstTime: row[tolerant: "first_time"],
            lastTime: row[tolerant: "last_time"], equityTimes: equity.map { $0[tolerant: "time"] }, equityOpenTimes: equity.map { $0[tolerant: "open_time"] },
            equityValues: equity.map { $0[tolerant: "equity"] }, metrics: try JournalJSON.value(Metrics.self, from: row[tolerant: "metrics"]),
            prices: try prices(),
            nodes: try nodes(), plugins: try plugins(), feeds: try feeds(), orders: orders.events, labels: try labels(),
            warnings: try JournalJSON.value([String].self, from: row[tolerant: "warnings"]) + orders.problems, shadow: try shadow(),
            loopSeconds: row[tolerant: "loop_seconds"],
            mode: row[tolerant: "mode"], live: try (row["live"] as String?).map { try JournalJSON.value(RunResult.LiveSummary.self, from: $0) })
    }

    private func trades() throws -> (closed: [Trade], open: [Trade]) {
        let all = try Row.fetchAll(db, sql: "SELECT * FROM trades WHERE run_id = ? ORDER BY seq", arguments: [id]).map { row in
            Trade(
                node: row[tolerant: "node"], symbol: row[tolerant: "symbol"], quantity: row[tolerant: "quantity"], entryTime: row[tolerant: "entry_time"],
                entryPrice: row[tolerant: "entry_price"], entryBar: row[tolerant: "entry_bar"], entryStep: row[tolerant: "entry_step"],
                exitStep: row[tolerant: "exit_step"],
                exitTime: row[tolerant: "exit_time"], exitPrice: row[tolerant: "exit_price"], exitBar: row[tolerant: "exit_bar"],
                commission: row[tolerant: "commission"])
        }
        return (all.filter { !$0.isOpen }, all.filter(\.isOpen))
    }

    private func prices() throws -> [RunResult.PriceSeries] {
        let rows = try Row.fetchAll(
            db, sql: "SELECT position, symbol, time, price FROM prices WHERE run_id = ? ORDER BY position, seq", arguments: [id])
        var series: [RunResult.PriceSeries] = []
        var current = -1
        for row in rows {
            let (position, symbol): (Int, String) = (row[tolerant: "position"], row[tolerant: "symbol"])
            if position != current {
                current = position
                series.append(RunResult.PriceSeries(symbol: symbol, times: [], prices: []))
            }
            series[series.count - 1].times.append(row[tolerant: "time"])
            series[series.count - 1].prices.append(row[tolerant: "price"])
        }
        return series
    }

    private func positions() throws -> [RunResult.Position] {
        try Row.fetchAll(db, sql: "SELECT * FROM positions WHERE run_id = ? ORDER BY seq", arguments: [id]).map { row in
            RunResult.Position(
                node: row[tolerant: "node"], symbol: row[tolerant: "symbol"], quantity: row[tolerant: "quantity"], averagePrice: row[tolerant: "average_price"],
                lastPrice: row[tolerant: "last_price"], realizedProfit: row[tolerant: "realized_profit"], unrealizedProfit: row[tolerant: "unrealized_profit"],
                commission: row[tolerant: "commission"])
        }
    }

    private func nodes() throws -> [RunResult.NodeReport] {
        try Row.fetchAll(db, sql: "SELECT * FROM run_nodes WHERE run_id = ? ORDER BY position", arguments: [id]).map { row in
            RunResult.NodeReport(
                name: row[tolerant: "name"], type: row[tolerant: "type"], plugin: row[tolerant: "plugin"], version: row[tolerant: "version"],
                parameters: row[tolerant: "parameters"],
                eventsDelivered: row[tolerant: "events"], failures: row[tolerant: "failures"], warmupBars: row[tolerant: "warmup_bars"])
        }
    }

    private func plugins() throws -> [RunResult.PluginReport] {
        try Row.fetchAll(db, sql: "SELECT * FROM run_plugins WHERE run_id = ? ORDER BY plugin", arguments: [id]).map { row in
            RunResult.PluginReport(id: row[tolerant: "plugin"], version: row[tolerant: "version"], path: row[tolerant: "path"], sha256: row[tolerant: "sha256"])
        }
    }

    private func feeds() throws -> [RunResult.FeedReport] {
        try Row.fetchAll(db, sql: "SELECT * FROM run_feeds WHERE run_id = ? ORDER BY position", arguments: [id]).map { row in
            RunResult.FeedReport(
                name: row[tolerant: "name"], symbol: row[tolerant: "symbol"], files: try JournalJSON.value([String].self, from: row[tolerant: "files"]),
                sha256: row[tolerant: "sha256"], events: row[tolerant: "events"])
        }
    }

    /// The run's order events, and what is wrong with chunks that are damaged or in a format
    /// this Trellis does not read.
    private func orders() throws -> (events: [RunResult.OrderEvent], problems: [String]) {
        let chunks = try Row.fetchAll(db, sql: "SELECT * FROM order_event_chunks WHERE run_id = ? ORDER BY chunk", arguments: [id])
        guard !chunks.isEmpty else { return (try unpackedOrders(), []) }
        var events: [RunResult.OrderEvent] = []
        var problems: [String] = []
        var next = 0
        for row in chunks {
            let (chunk, count, format): (Int, Int, Int) = (row[tolerant: "chunk"], row[tolerant: "events"], row[tolerant: "format"])
            let first: Int = row[tolerant: "first_seq"]
            if first != next {
                problems.append("order events chunk \(chunk) starts at event \(first), where event \(next) was due: a chunk is missing or repeated")
            }
            next = first &+ max(0, count)
            guard (0...OrderEventChunk.capacity).contains(count) else {
                problems.append("order events chunk \(chunk) claims \(count) events; a chunk holds at most \(OrderEventChunk.capacity): it was skipped")
                continue
            }
            guard format == OrderEventChunk.format else {
                problems.append(
                    "order events chunk \(chunk) is in format \(format), which this Trellis does not read (a newer Trellis wrote it, or it is damaged): it was skipped"
                )
                continue
            }
            guard let strings = try? JournalJSON.value([String].self, from: row[tolerant: "strings"]) else {
                problems.append("order events chunk \(chunk) of the journal is damaged: its list of texts is not JSON; it was skipped")
                continue
            }
            let bytes = [UInt8](Data.fromDatabaseValue(row["data"] as DatabaseValue) ?? Data())
            let (unpacked, damage) = OrderEventChunk.unpack(OrderEventChunk.Packed(strings: strings, bytes: bytes), count: count)
            events += unpacked
            if let damage { problems.append("order events chunk \(chunk) of the journal is damaged: \(damage); the events after the damage are missing") }
        }
        return (events, problems)
    }

    /// Order events of runs stored before they were packed, a row each.
    private func unpackedOrders() throws -> [RunResult.OrderEvent] {
        try Row.fetchAll(db, sql: "SELECT * FROM order_events WHERE run_id = ? ORDER BY seq", arguments: [id]).map { row in
            let orderID: Int64 = row[tolerant: "order_id"]
            return RunResult.OrderEvent(
                time: row[tolerant: "time"], kind: RunResult.OrderEvent.Kind(rawValue: row[tolerant: "kind"]) ?? .update, node: row[tolerant: "node"],
                orderID: UInt64(bitPattern: orderID), symbol: row[tolerant: "symbol"], side: row[tolerant: "side"], status: row[tolerant: "status"],
                quantity: row[tolerant: "quantity"], price: row[tolerant: "price"], commission: row[tolerant: "commission"],
                reasonCode: row[tolerant: "reason_code"],
                reason: row[tolerant: "reason"], reporter: row[tolerant: "reporter"])
        }
    }

    private func labels() throws -> [RunResult.LabelChange] {
        try Row.fetchAll(db, sql: "SELECT * FROM labels WHERE run_id = ? ORDER BY seq", arguments: [id]).map { row in
            RunResult.LabelChange(node: row[tolerant: "node"], time: row[tolerant: "time"], label: row[tolerant: "label"])
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
                times: points.map { $0[tolerant: "open_time"] }, equity: points.map { $0[tolerant: "equity"] }, trades: trades.filter { !$0.isOpen },
                openTrades: trades.filter(\.isOpen), metrics: try JournalJSON.value(Metrics.self, from: row[tolerant: "metrics"]))
        }
        var challengers: [RunResult.Challenger] = []
        for position in Set(sides.map { $0[tolerant: "challenger"] as Int }).sorted() {
            guard let champion = sides.first(where: { $0[tolerant: "challenger"] == position && $0[tolerant: "side"] == "champion" }),
                let challenger = sides.first(where: { $0[tolerant: "challenger"] == position && $0[tolerant: "side"] == "challenger" })
            else { continue }
            challengers.append(
                RunResult.Challenger(
                    name: challenger[tolerant: "name"], replaces: challenger[tolerant: "replaces"],
                    championNodes: try JournalJSON.value([String].self, from: champion[tolerant: "nodes"]),
                    challengerNodes: try JournalJSON.value([String].self, from: challenger[tolerant: "nodes"]),
                    championParameters: champion[tolerant: "parameters"],
                    challengerParameters: challenger[tolerant: "parameters"], championUse: champion[tolerant: "use"],
                    challengerUse: challenger[tolerant: "use"],
                    champion: try ledger(position, "champion", champion), challenger: try ledger(position, "challenger", challenger)))
        }
        let verdicts = try Row.fetchAll(db, sql: "SELECT * FROM shadow_verdicts WHERE run_id = ? ORDER BY seq", arguments: [id]).map { row in
            RunResult.ShadowVerdict(
                time: row[tolerant: "time"], tester: row[tolerant: "tester"], challenger: row[tolerant: "challenger"], verdict: row[tolerant: "verdict"],
                judgedBy: row[tolerant: "judged_by"],
                championCount: row[tolerant: "champion_count"], challengerCount: row[tolerant: "challenger_count"],
                championMean: row[tolerant: "champion_mean"],
                challengerMean: row[tolerant: "challenger_mean"], difference: row[tolerant: "difference"], effectSize: row[tolerant: "effect_size"],
                pValue: row[tolerant: "p_value"],
                naivePValue: row[tolerant: "naive_p_value"], intervalLow: row[tolerant: "interval_low"], intervalHigh: row[tolerant: "interval_high"])
        }
        return RunResult.ShadowReport(challengers: challengers, verdicts: verdicts)
    }
}
