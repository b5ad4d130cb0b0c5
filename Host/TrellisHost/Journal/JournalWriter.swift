import Foundation
import GRDB
import Synchronization

/// Writes one run into the journal's tables; the caller holds the transaction.
struct JournalWriter {
    let db: Database
    let run: RunResult

    func write() throws {
        try db.execute(
            sql: """
                INSERT INTO runs (id, started_at, mode, host_version, graph_file, graph_sha256, graph_text, description, fingerprint,
                  starting_cash, final_cash, final_equity, currency, events, first_time, last_time, order_updates, fills, loop_seconds,
                  equity_steps, metrics, warnings, last_prices, live)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                run.runID, run.startedAt, run.mode, run.hostVersion, run.graphFile, run.graphSHA256, run.graphText, run.description,
                run.fingerprint, run.startingCash, run.finalCash, run.finalEquity, run.currency, run.events, run.firstTime, run.lastTime,
                run.orderUpdates, run.fills, run.loopSeconds, run.equityValues.count, try JournalJSON.text(run.metrics), try JournalJSON.text(run.warnings),
                try JournalJSON.text(run.lastPrices), try run.live.map { try JournalJSON.text($0) },
            ])
        // The order events are packed on a second thread while SQLite takes the other tables.
        let packing = DispatchGroup()
        let packed = Mutex<[OrderEventChunk.Packed]>([])
        DispatchQueue.global().async(group: packing) { [run] in packed.withLock { $0 = OrderEventChunk.chunks(of: run.orders) } }
        try writeNodes()
        try writePositions()
        try writeTrades()
        try writeEquity()
        try writePrices()
        packing.wait()
        try writeOrders(packed.withLock { $0 })
        try writeLabels()
        try writeShadow()
    }

    private func writeNodes() throws {
        for (position, node) in run.nodes.enumerated() {
            try db.execute(
                sql: "INSERT INTO run_nodes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                arguments: [
                    run.runID, position, node.name, node.type, node.plugin, node.version, node.parameters, node.eventsDelivered,
                    node.failures, node.warmupBars,
                ])
        }
        for plugin in run.plugins {
            try db.execute(
                sql: "INSERT INTO run_plugins VALUES (?, ?, ?, ?, ?)", arguments: [run.runID, plugin.id, plugin.version, plugin.path, plugin.sha256])
        }
        for (position, feed) in run.feeds.enumerated() {
            try db.execute(
                sql: "INSERT INTO run_feeds VALUES (?, ?, ?, ?, ?, ?, ?)",
                arguments: [run.runID, position, feed.name, feed.symbol, try JournalJSON.text(feed.files), feed.sha256, feed.events])
        }
    }

    private func writePositions() throws {
        for (seq, position) in run.positions.enumerated() {
            try db.execute(
                sql: "INSERT INTO positions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                arguments: [
                    run.runID, seq, position.node, position.symbol, position.quantity, position.averagePrice, position.lastPrice,
                    position.realizedProfit, position.unrealizedProfit, position.commission,
                ])
        }
    }

    /// Closed trades first, in the order they closed, then the open ones.
    private func writeTrades() throws {
        var insert = try RowInserter(db, sql: "INSERT INTO trades VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        for (seq, trade) in (run.trades + run.openTrades).enumerated() {
            insert.add(run.runID)
            insert.add(seq)
            insert.add(trade.node)
            insert.add(trade.symbol)
            insert.add(trade.quantity)
            insert.add(trade.entryTime)
            insert.add(trade.entryPrice)
            insert.add(trade.entryBar)
            insert.add(trade.entryStep)
            insert.add(trade.exitTime) { $0.add($1) }
            insert.add(trade.exitPrice) { $0.add($1) }
            insert.add(trade.exitBar) { $0.add($1) }
            insert.add(trade.exitStep) { $0.add($1) }
            insert.add(trade.commission)
            try insert.insert()
        }
    }

    /// Every step of the curve, or for a curve longer than `Journal.equityPoints`, the first,
    /// lowest, highest and last step of each of its equal spans.
    private func writeEquity() throws {
        var insert = try RowInserter(db, sql: "INSERT INTO equity VALUES (?, ?, ?, ?, ?)")
        for step in Downsample.keepingShape(run.equityValues, spans: Journal.equityPoints / 4) {
            insert.add(run.runID)
            insert.add(step)
            insert.add(run.equityTimes[step])
            insert.add(run.equityOpenTimes[step])
            insert.add(run.equityValues[step])
            try insert.insert()
        }
    }

    private func writePrices() throws {
        var insert = try RowInserter(db, sql: "INSERT INTO prices VALUES (?, ?, ?, ?, ?, ?)")
        for (position, series) in run.prices.enumerated() {
            for seq in series.prices.indices {
                insert.add(run.runID)
                insert.add(position)
                insert.add(series.symbol)
                insert.add(seq)
                insert.add(series.times[seq])
                insert.add(series.prices[seq])
                try insert.insert()
            }
        }
    }

    /// In packed chunks (`OrderEventChunk`), a few rows for a whole backtest.
    private func writeOrders(_ chunks: [OrderEventChunk.Packed]) throws {
        var insert = try RowInserter(db, sql: "INSERT INTO order_event_chunks VALUES (?, ?, ?, ?, ?, ?, ?)")
        for (chunk, packed) in chunks.enumerated() {
            let first = chunk * OrderEventChunk.capacity
            insert.add(run.runID)
            insert.add(chunk)
            insert.add(first)
            insert.add(min(OrderEventChunk.capacity, run.orders.count - first))
            insert.add(OrderEventChunk.format)
            insert.add(try JournalJSON.text(packed.strings))
            insert.add(packed.bytes)
            try insert.insert()
        }
    }
}

extension JournalWriter {
    fileprivate func writeLabels() throws {
        let insert = try db.makeStatement(sql: "INSERT INTO labels VALUES (?, ?, ?, ?, ?)")
        for (seq, change) in run.labels.enumerated() {
            try insert.execute(arguments: [run.runID, seq, change.node, change.time, change.label])
        }
    }
}

extension JournalWriter {
    /// Each challenger's two sides (summary, thinned equity, trades as JSON) and every verdict.
    fileprivate func writeShadow() throws {
        guard let shadow = run.shadow else { return }
        let side = try db.makeStatement(sql: "INSERT INTO shadow_sides VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        let equity = try db.makeStatement(sql: "INSERT INTO shadow_equity VALUES (?, ?, ?, ?, ?, ?)")
        let trade = try db.makeStatement(sql: "INSERT INTO shadow_trades VALUES (?, ?, ?, ?, ?)")
        for (position, challenger) in shadow.challengers.enumerated() {
            let sides = [
                ("champion", challenger.champion, challenger.championNodes, challenger.championUse, challenger.championParameters),
                ("challenger", challenger.challenger, challenger.challengerNodes, challenger.challengerUse, challenger.challengerParameters),
            ]
            for (name, ledger, nodes, use, parameters) in sides {
                try side.execute(arguments: [
                    run.runID, position, name, challenger.name, challenger.replaces, try JournalJSON.text(nodes), use, parameters,
                    ledger.finalEquity, try JournalJSON.text(ledger.metrics),
                ])
                for step in Downsample.keepingShape(ledger.equity, spans: Journal.equityPoints / 4) {
                    try equity.execute(arguments: [run.runID, position, name, step, ledger.times[step], ledger.equity[step]])
                }
                for (seq, round) in (ledger.trades + ledger.openTrades).enumerated() {
                    try trade.execute(arguments: [run.runID, position, name, seq, try JournalJSON.text(round)])
                }
            }
        }
        let verdict = try db.makeStatement(sql: "INSERT INTO shadow_verdicts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        for (seq, look) in shadow.verdicts.enumerated() {
            try verdict.execute(arguments: [
                run.runID, seq, look.time, look.tester, look.challenger, look.verdict, look.judgedBy, look.championCount, look.challengerCount,
                look.championMean, look.challengerMean, look.difference, look.effectSize, look.pValue, look.naivePValue, look.intervalLow,
                look.intervalHigh,
            ])
        }
    }
}

/// The JSON the journal keeps in text columns: sorted keys; non-finite numbers as strings.
enum JournalJSON {
    static func text<Value: Encodable>(_ value: Value) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func value<Value: Decodable>(_ type: Value.Type, from text: String) throws -> Value {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try decoder.decode(type, from: Data(text.utf8))
    }
}
