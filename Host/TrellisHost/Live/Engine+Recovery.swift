import CTrellis
import CTrellisGuard
import Foundation
import Logging

/// `trellis run --resume` (docs/journal.md, "Recovery"): the ledger and the open orders come
/// back from the journal, the brokers are asked what happened meanwhile, and trading starts
/// only when the venue's state is explained; otherwise it stays halted until an operator accepts
/// the venue's state.
extension Engine {
    /// Books the journal's fills into the ledger (each node hears of its own, flagged recovered)
    /// and takes back the open orders: at a broker, under a host-assigned id; at the paper
    /// venue, which did not survive the restart, as canceled. Returns what the graph cannot
    /// take (a node or instrument it no longer has).
    func restore(_ point: ResumePoint) -> String? {
        // What nodes send while they hear of their recovered fills waits for the reconciliation.
        hold = "restoring the journal's orders and fills after a restart; new orders are denied until the venue is reconciled"
        func origin(_ node: String) -> (id: UInt32, slot: Int?)? {
            if node == "host" { return (0, nil) }
            guard let slot = graph.nodes.firstIndex(where: { $0.name == node && $0.branch == 0 }) else { return nil }
            return (nodeID(slot), slot)
        }
        for fill in point.fills {
            guard let node = origin(fill.node), let instrument = instruments.id(of: fill.symbol) else {
                return
                    "the journal holds fills of node '\(fill.node)' in \(fill.symbol), which this graph does not have: resume with the graph of run \(point.runID)"
            }
            var event = trellis_fill()
            event.header = trellis_event_header(
                size: UInt32(MemoryLayout<trellis_fill>.size), type: UInt16(TRELLIS_EVENT_FILL), flags: UInt16(TRELLIS_EVENT_FLAG_RECOVERED),
                ts_ns: fill.time, instrument: instrument, source: 0)
            event.origin = node.id
            event.client_order_id = fill.clientID
            event.side = fill.side
            event.quantity = fill.quantity
            event.price = fill.price
            event.commission = fill.commission
            writeFixed(fill.tradeID, into: &event.venue_trade_id)
            venue.bookReported(&event)
            _ = brokers.isNewTrade(clientID: fill.clientID, tradeID: fill.tradeID)
            if let slot = node.slot { withUnsafePointer(to: event) { $0.withMemoryRebound(to: trellis_event_header.self, capacity: 1) { call(slot, $0) } } }
        }
        for open in point.openOrders {
            guard let node = origin(open.node), let slot = node.slot, let instrument = instruments.id(of: open.symbol) else {
                return
                    "the journal holds an open order of node '\(open.node)' in \(open.symbol), which this graph does not have: resume with the graph of run \(point.runID)"
            }
            var order = trellis_order()
            order.header = trellis_event_header(
                size: UInt32(MemoryLayout<trellis_order>.size), type: UInt16(TRELLIS_EVENT_ORDER), flags: UInt16(TRELLIS_EVENT_FLAG_RECOVERED),
                ts_ns: state.pointee.now, instrument: instrument, source: node.id)
            hostOrderIDs[slot] += 1
            order.order_id = (1 << 63) | hostOrderIDs[slot]
            order.origin = node.id
            order.action = TRELLIS_ACTION_NEW
            (order.side, order.order_type, order.time_in_force, order.size_mode) = (open.side, open.type, open.timeInForce, open.sizeMode)
            (order.order_flags, order.quantity, order.limit_price, order.stop_price) = (open.flags, open.quantity, open.limitPrice, open.stopPrice)
            order.client_order_id = open.clientID
            let key = OrderKey(origin: node.id, orderID: order.order_id)
            if let broker = open.broker, let hop = graph.nodes.firstIndex(where: { $0.name == broker && $0.branch == 0 }), slots[hop].kind == .broker,
                routesOrdersToBrokers
            {
                orders[key] = OrderRecord(order: order, stage: .atBroker(hop), filled: open.filled)
                brokers.byClientID[open.clientID] = (key, hop)
            } else {
                orders[key] = OrderRecord(order: order, stage: .atVenue)
                queueUpdate(
                    for: order, status: TRELLIS_ORDER_CANCELED, code: TRELLIS_REASON_CANCELED,
                    reason: open.broker == nil ? "the paper venue's resting orders do not survive a restart" : "its broker is not in this run",
                    flags: UInt16(TRELLIS_EVENT_FLAG_RECOVERED))
            }
        }
        drain()
        return nil
    }

    /// Asks every broker of the graph to reconcile; trading waits until all have answered.
    func startReconciliation(accepted: [ReconcileDifference]?) {
        let brokerSlots = (0..<nodeCount).filter { slots[$0].kind == .broker && slots[$0].branch == 0 }
        guard routesOrdersToBrokers, !brokerSlots.isEmpty else {
            // Paper: the simulated venue is the journal's own; nothing to ask.
            hold = journalFailure
            return
        }
        let reconciliation = Reconciliation(waiting: Set(brokerSlots), startedAt: WallClock.now(), accepted: accepted)
        self.reconciliation = reconciliation
        hold = "reconciling with the venue after a restart; new orders are denied until it ends"
        logger.notice("resumed: asking \(brokerSlots.map { "'\(graph.nodes[$0].name)'" }.joined(separator: ", ")) for the venue's orders, fills and positions")
        for hop in brokerSlots {
            guard let ext = brokerExtension(hop) else {
                reconciliation.problems.append("broker node '\(graph.nodes[hop].name)' cannot reconcile: its plugin offers no \(TRELLIS_EXT_BROKER)")
                reconciliation.waiting.remove(hop)
                continue
            }
            var open = brokers.byClientID.filter { $0.value.broker == hop }.map(\.key).sorted()
            let status = open.withUnsafeMutableBufferPointer { ids in
                var request = trellis_reconcile_request(
                    struct_size: UInt32(MemoryLayout<trellis_reconcile_request>.size), _reserved: 0,
                    open_client_order_ids: UnsafePointer(ids.baseAddress), open_count: UInt64(ids.count),
                    host_ctx: UnsafeMutableRawPointer(contexts + hop), done: Self.reconcileDone)
                return inPhase(.event, slot: hop) { ext.pointee.reconcile(slots[hop].instance, &request) }
            }
            drain()
            if status != TRELLIS_OK {
                reconciliation.problems.append("broker node '\(graph.nodes[hop].name)' refused to reconcile (status \(status))")
                reconciliation.waiting.remove(hop)
            }
        }
        finishReconciliationIfDone()
    }

    /// The broker's `trellis.broker/1` table, when its plugin offers one.
    private func brokerExtension(_ slot: Int) -> UnsafePointer<trellis_broker_ext>? {
        let methods = slots[slot].methods
        let needed = MemoryLayout<trellis_node_methods>.offset(of: \.get_extension)! + MemoryLayout<UnsafeRawPointer>.size
        guard Int(methods.pointee.struct_size) >= needed, let getExtension = methods.pointee.get_extension,
            let raw = TRELLIS_EXT_BROKER.withTrellisString({ getExtension(slots[slot].instance, $0) })
        else { return nil }
        let ext = raw.assumingMemoryBound(to: trellis_broker_ext.self)
        guard ext.pointee.struct_size >= UInt32(MemoryLayout<trellis_broker_ext>.size), ext.pointee.reconcile != nil else { return nil }
        return ext
    }

    static let reconcileDone: @convention(c) (UnsafeMutableRawPointer?, trellis_status, trellis_str) -> Void = { ctx, status, problem in
        HostTable.with(ctx) { engine, slot in
            guard trellis_guard_on_engine_thread(engine.watch) != 0 else { return }
            engine.brokerReconciled(slot, status: status, problem: String(problem))
        }
    }

    private func brokerReconciled(_ slot: Int, status: trellis_status, problem: String) {
        guard let reconciliation, reconciliation.waiting.remove(slot) != nil else { return }
        if status != TRELLIS_OK {
            reconciliation.problems.append(
                "broker node '\(graph.nodes[slot].name)' could not reconcile: \(problem.isEmpty ? "status \(status)" : problem)")
        }
        // What the broker emitted before `done` is still queued: the pass's end compares, after it is routed.
    }

    /// A position a broker reported while reconciling.
    func noteReconciledPosition(_ event: UnsafePointer<trellis_event_header>) {
        guard let reconciliation else { return }
        let quantity = UnsafeRawPointer(event).load(as: trellis_position.self).quantity
        // Finite: events are checked where they enter (EventValues).
        reconciliation.positions[event.pointee.instrument, default: 0] += quantity
    }

    /// A report a broker made while reconciling about an order the journal never sent.
    func noteUnexplained(_ event: UnsafePointer<trellis_event_header>, clientID: UInt64) {
        guard let reconciliation else { return }
        let symbol = instruments.symbol(event.pointee.instrument)
        if event.pointee.type == UInt16(TRELLIS_EVENT_FILL) {
            let fill = UnsafeRawPointer(event).load(as: trellis_fill.self)
            reconciliation.differences.append(
                ReconcileDifference(
                    kind: .unknownFill, symbol: symbol, clientID: clientID, host: nil, venue: Double(fill.side) * fill.quantity, price: fill.price,
                    detail:
                        "\(symbol): a fill of \(NumberFormat.compact(fill.quantity)) at \(NumberFormat.compact(fill.price)) for client order id \(clientID), which the journal never sent"
                ))
        } else {
            let update = UnsafeRawPointer(event).load(as: trellis_order_update.self)
            reconciliation.differences.append(
                ReconcileDifference(
                    kind: .unknownOrder, symbol: symbol, clientID: clientID, host: nil, venue: update.leaves_quantity, price: update.average_price,
                    detail: "\(symbol): order \(clientID) (\(readFixed(update.venue_order_id))) is open at the venue, and the journal never sent it"))
        }
    }

    /// Compares positions once every broker answered (or the time ran out); trades on when all
    /// is explained, else halts with each difference said.
    func finishReconciliationIfDone() {
        guard let reconciliation else { return }
        let timedOut = WallClock.now() - reconciliation.startedAt > Reconciliation.timeoutNanoseconds
        guard reconciliation.waiting.isEmpty || timedOut else { return }
        for slot in reconciliation.waiting.sorted() {
            reconciliation.problems.append(
                "broker node '\(graph.nodes[slot].name)' did not finish reconciling within \(Reconciliation.timeoutNanoseconds / 1_000_000_000) s")
        }
        reconciliation.waiting.removeAll()
        var instrumentsHeld = Set(reconciliation.positions.keys)
        for instrument in 1...max(1, instruments.count) where instrument <= instruments.count && venue.account[instrument].quantity != 0 {
            instrumentsHeld.insert(UInt32(instrument))
        }
        for instrument in instrumentsHeld.sorted() {
            let host = venue.account[Int(instrument)].quantity
            let reported = reconciliation.positions[instrument] ?? 0
            let tolerance = 1e-9 * max(1, abs(reported))
            guard !(abs(host - reported) <= tolerance) else { continue }
            let symbol = instruments.symbol(instrument)
            reconciliation.differences.append(
                ReconcileDifference(
                    kind: .position, symbol: symbol, clientID: nil, host: host, venue: reported, price: venue.lastPrice[Int(instrument)],
                    detail:
                        "\(symbol): the journal's fills add up to a position of \(NumberFormat.compact(host)), the venue holds \(NumberFormat.compact(reported))"
                ))
        }
        self.reconciliation = nil
        if !reconciliation.problems.isEmpty {
            hold = "reconciliation failed: \(reconciliation.problems.joined(separator: "; ")); trading stays halted (restart to try again)"
            markHeld()
            return
        }
        let differences = reconciliation.differences
        if differences.isEmpty {
            hold = nil
            logger.notice("reconciled: the venue's orders, fills and positions match the journal; trading starts")
            try? orderJournal?.mark(state: "running", halt: nil)
            return
        }
        if let accepted = reconciliation.accepted, Reconciliation.same(differences, as: accepted) {
            logger.notice("reconciled: the differences are those an operator accepted; the venue's state is taken")
            takeVenueState(differences)
            return
        }
        unacceptedDifferences = differences
        try? orderJournal?.record(differences)
        hold =
            "reconciliation found \(differences.count) difference(s) with the venue: \(differences.map(\.detail).joined(separator: "; ")). Look, then 'trellis reconcile accept \(orderJournal?.runID ?? "<run>")' takes the venue's state"
        markHeld()
    }

    private func markHeld() {
        logger.critical("trading is halted: \(hold ?? "")")
        try? orderJournal?.mark(state: "halted", halt: hold)
    }

    /// Books each position difference as an adjustment of the host's own (journaled, kind
    /// "adjustment"), so the ledger holds what the venue holds, and lets trading start.
    func takeVenueState(_ differences: [ReconcileDifference]) {
        for difference in differences where difference.kind == .position {
            guard let instrument = instruments.id(of: difference.symbol), let host = difference.host, let reported = difference.venue else { continue }
            let change = reported - host
            let price = difference.price.flatMap { $0.isFinite ? $0 : nil } ?? venue.lastPrice[Int(instrument)]
            var event = trellis_fill()
            event.header = trellis_event_header(
                size: UInt32(MemoryLayout<trellis_fill>.size), type: UInt16(TRELLIS_EVENT_FILL), flags: UInt16(TRELLIS_EVENT_FLAG_RECOVERED),
                ts_ns: state.pointee.now, instrument: instrument, source: 0)
            event.side = change > 0 ? TRELLIS_SIDE_BUY : TRELLIS_SIDE_SELL
            event.quantity = abs(change)
            event.price = price.isFinite ? price : 0
            venue.bookReported(&event)
            orderJournal?.note(
                OrderJournal.Fill(
                    kind: "adjustment", clientID: 0, tradeID: "", time: state.pointee.now, node: "host", symbol: difference.symbol, side: event.side,
                    quantity: event.quantity, price: event.price, commission: 0, recovered: true))
        }
        unacceptedDifferences = []
        hold = journalFailure
        flushOrderJournal()
        try? orderJournal?.mark(state: "running", halt: nil)
        logger.notice("the venue's state was taken (\(differences.count) difference(s)); trading starts")
    }

    /// While halted by differences: looks (at most once a second) whether an operator accepted them.
    func checkAcceptance() {
        guard !unacceptedDifferences.isEmpty, let orderJournal else { return }
        let now = WallClock.now()
        guard now - lastAcceptanceCheck >= 1_000_000_000 else { return }
        lastAcceptanceCheck = now
        guard orderJournal.acceptedAt() != nil else { return }
        logger.notice("an operator accepted the venue's state (trellis reconcile accept)")
        takeVenueState(unacceptedDifferences)
    }
}
