import CTrellis
import TrellisOperator

/// Publishes a paper or live run's state to the operator endpoint (docs/operator.md): a snapshot
/// at most every 250 ms of wall time, and the metrics' counters by what changed since the last.
/// Runs on the engine thread after each pass of the live loop.
final class OperatorPublisher {
    let board: OperatorBoard
    let runID: String
    let mode: RunMode
    let startedAt: Int64
    private var lastPublished: Int64 = 0
    private var counted = (inputs: 0, orderUpdates: 0, fills: 0, dropped: 0, problems: [Int]())
    private var passStarted: Int64 = 0

    init(board: OperatorBoard, runID: String, mode: RunMode, startedAt: Int64) {
        self.board = board
        self.runID = runID
        self.mode = mode
        self.startedAt = startedAt
    }

    /// The state after a pass; `final` publishes at once (the run is stopping or stopped).
    func publish(_ engine: Engine, state: String = "running", force: Bool = false) {
        let now = WallClock.now()
        guard force || now - lastPublished >= 250_000_000, let live = engine.live else { return }
        lastPublished = now
        let metrics = board.metrics
        metrics.countEvents(.posted, live.inputsTaken - counted.inputs)
        metrics.countFills(engine.fingerprint.fills - counted.fills)
        metrics.countPostedDropped(live.inbox.dropped - counted.dropped)
        metrics.setQueueDepth(live.inbox.depth)
        counted = (live.inputsTaken, engine.fingerprint.orderUpdates, engine.fingerprint.fills, live.inbox.dropped, counted.problems)
        if counted.problems.count != engine.nodeCount { counted.problems = Array(repeating: 0, count: engine.nodeCount) }
        for slot in 0..<engine.nodeCount where engine.slots[slot].failures > counted.problems[slot] {
            for _ in counted.problems[slot]..<engine.slots[slot].failures { metrics.countPluginError(node: engine.graph.nodes[slot].name) }
            counted.problems[slot] = engine.slots[slot].failures
        }
        let venue = engine.venue
        let balances = venue.balances
        let unrealized = balances.equity - balances.cash - venue.positions().filter { $0.node == nil }.reduce(0) { $0 + $1.quantity * $1.averagePrice }
        // Realised profit after commission, as the page says: equity moves by it plus the unrealised.
        let realized = balances.realized - balances.commission
        metrics.setAccount(equity: engine.accountEquity, realizedPnL: realized, unrealizedPnL: unrealized)
        var status = OperatorStatus()
        status.runID = runID
        status.mode = mode.rawValue
        status.realMoney = engine.realMoney
        status.graph = engine.graph.spec.file
        status.startedAt = startedAt
        status.updatedAt = now
        // A hard limit or the kill switch, else a reconciliation or a journal that holds trading back.
        let halt = engine.limits.halt ?? engine.hold
        status.state = halt != nil ? "halted" : state
        status.haltReason = halt
        status.currency = engine.graph.spec.venue.currency
        status.startingEquity = engine.graph.spec.venue.cash
        status.equity = engine.accountEquity
        status.cash = balances.cash
        status.realizedPnL = realized
        status.unrealizedPnL = unrealized
        status.positions = venue.positions().filter { $0.node != nil && $0.quantity != 0 }.map { position in
            OperatorStatus.Position(
                symbol: position.symbol, node: position.node ?? "", quantity: position.quantity, averagePrice: position.averagePrice,
                lastPrice: position.lastPrice, unrealizedPnL: position.unrealizedProfit)
        }
        status.openOrders = engine.openOrderRows()
        status.limits = engine.limitRows()
        status.errors = engine.recentProblems.map { OperatorStatus.ErrorLine(time: $0.time, node: $0.node, message: $0.message) }
        status.verdicts = engine.shadow.verdicts.reversed().reduce(into: [OperatorStatus.Verdict]()) { rows, verdict in
            guard !rows.contains(where: { $0.challenger == verdict.challenger }) else { return }
            rows.append(
                OperatorStatus.Verdict(
                    challenger: verdict.challenger, replaces: engine.graph.shadow.challengers.first { $0.name == verdict.challenger }?.replaces ?? "",
                    verdict: verdict.verdict, pValue: verdict.pValue, difference: verdict.difference, championCount: verdict.championCount,
                    challengerCount: verdict.challengerCount))
        }
        status.events = live.inputsTaken
        status.queueDepth = live.inbox.depth
        status.orders = engine.fingerprint.orderUpdates
        status.fills = engine.fingerprint.fills
        board.publish(status)
    }
}

extension Engine {
    /// The orders resting at the simulated venue and at brokers, for the status page.
    func openOrderRows() -> [OperatorStatus.Order] {
        func row(_ order: trellis_order, filled: Double, venue: String, status: String, since: Int64) -> OperatorStatus.Order {
            let types = ["market", "limit", "stop", "stop-limit"]
            return OperatorStatus.Order(
                node: names[Int(order.origin)], symbol: instruments.symbol(order.header.instrument), side: order.side == TRELLIS_SIDE_BUY ? "buy" : "sell",
                type: types.indices.contains(Int(order.order_type)) ? types[Int(order.order_type)] : "?", quantity: order.quantity,
                filledQuantity: filled, price: order.limit_price != 0 ? order.limit_price : order.stop_price, status: status,
                clientOrderID: order.client_order_id, venue: venue, since: since)
        }
        var rows = venue.waiting.map { row($0.intent, filled: $0.filled, venue: "sim", status: "accepted", since: $0.intent.header.ts_ns) }
        for sent in brokers.byClientID.values.sorted(by: { $0.key.orderID < $1.key.orderID }) {
            guard let record = orders[sent.key] else { continue }
            rows.append(row(record.order, filled: record.filled, venue: graph.nodes[sent.broker].name, status: "at broker", since: record.order.header.ts_ns))
        }
        return rows
    }

    /// The hard limits as set, and whether they halted the host.
    func limitRows() -> [OperatorStatus.Limit] {
        let settings = graph.spec.limits
        var rows: [OperatorStatus.Limit] = []
        func add(_ name: String, _ value: Double?, _ unit: String) {
            guard let value else { return }
            rows.append(OperatorStatus.Limit(name: name, setting: "\(NumberFormat.compact(value))\(unit)", state: limits.halt == nil ? "ok" : "halted"))
        }
        add("max order notional", settings.maxOrderNotional, " \(graph.spec.venue.currency)")
        add("max position", settings.maxPosition, " units")
        add("max orders per second", settings.maxOrdersPerSecond.map(Double.init), "")
        add("price band", settings.priceBandPercent, "%")
        add("max daily loss", settings.maxDailyLoss, " \(graph.spec.venue.currency)")
        add("max daily loss", settings.maxDailyLossPercent, "%")
        rows.append(OperatorStatus.Limit(name: "kill switch", setting: "trellis kill", state: limits.halt ?? "not pulled"))
        return rows
    }
}
