import CTrellis
import Logging

/// Identifies an order: the node that originated it and that node's id for it.
struct OrderKey: Hashable {
    var origin: UInt32
    var orderID: UInt64
}

/// An order on its way from its origin through risk nodes to the venue, or resting there.
struct OrderRecord {
    enum Stage: Equatable {
        /// Held by the risk node in this slot until it approves or denies.
        case atRisk(Int)
        /// Approved by the risk node in this slot; queued to move on.
        case approved(Int)
        /// Denied by the risk node in this slot; the denial is queued.
        case denied(Int)
        /// Denied by a host hard limit, after every risk node on its path approved it.
        case deniedByHost
        case atVenue
        /// Sent to the broker node in this slot (`routesOrdersToBrokers`).
        case atBroker(Int)
    }

    /// The intent as it travels; risk nodes may change its size.
    var order: trellis_order
    /// Risk node slots the order passed through, in order.
    var path: [Int] = []
    var stage: Stage
    /// Units a broker reported filled so far (orders at brokers only).
    var filled = 0.0
    /// The order's state as its last update said (`TRELLIS_ORDER_*`; 0: initialized).
    var status = TRELLIS_ORDER_INITIALIZED

    /// Where a state stands in the lifecycle (initialized → submitted → accepted → partially
    /// filled or pending cancel or replace → final): an update that would move an order back
    /// (a venue's ACCEPTED after its FILLED, reordered on the way) is stale.
    static func rank(_ status: Int32) -> Int {
        switch status {
        case TRELLIS_ORDER_INITIALIZED: 0
        case TRELLIS_ORDER_SUBMITTED: 1
        case TRELLIS_ORDER_ACCEPTED: 2
        case TRELLIS_ORDER_PARTIALLY_FILLED, TRELLIS_ORDER_PENDING_CANCEL, TRELLIS_ORDER_PENDING_UPDATE: 3
        default: 4
        }
    }
}

extension Engine {
    /// Sets `origin` (and an id when the node left it 0) on an order intent a node emitted:
    /// whatever a node emits is its own order.
    func stampOrder(_ order: UnsafeMutablePointer<trellis_order>, from slot: Int) {
        order.pointee.origin = nodeID(slot)
        assignClientID(order)
        if order.pointee.order_id == 0 {
            hostOrderIDs[slot] += 1
            order.pointee.order_id = (1 << 63) | hostOrderIDs[slot]
        }
    }

    /// An order intent from the queue: a node's own new order or cancel, or one a risk node approved.
    func routeOrder(_ event: UnsafeMutablePointer<trellis_event_header>) {
        let order = UnsafeMutableRawPointer(event).assumingMemoryBound(to: trellis_order.self)
        guard let emitter = slot(ofID: event.pointee.source) else { return }
        deliverToObservers(UnsafePointer(event), from: Int(event.pointee.source))
        let key = OrderKey(origin: order.pointee.origin, orderID: order.pointee.order_id)
        let known = orders.place(of: key)
        if let known, orders[place: known].stage == .approved(emitter) {
            advance(known, from: emitter)
            return
        }
        if order.pointee.action == TRELLIS_ACTION_CANCEL {
            cancel(key, order.pointee)
            return
        }
        if let live, live.warmingUp {
            queueUpdate(
                for: order.pointee, status: TRELLIS_ORDER_DENIED, code: TRELLIS_REASON_LIMIT,
                reason: "warm-up: history replayed before live trading; orders are denied until it ends")
            return
        }
        let isHostID = order.pointee.order_id & (1 << 63) != 0
        guard isHostID || order.pointee.order_id > lastOrderIDs[emitter], known == nil else {
            reject(
                order.pointee, code: TRELLIS_REASON_DUPLICATE_ID,
                reason: "order id \(order.pointee.order_id) is not larger than this node's last one (\(lastOrderIDs[emitter]))")
            return
        }
        if !isHostID { lastOrderIDs[emitter] = order.pointee.order_id }
        advance(orders.insert(OrderRecord(order: order.pointee, stage: .atVenue), for: key), from: emitter)
    }

    /// Moves the order at `place` from the node in `slot` to that node's risk node, or to the
    /// venue: a challenger's own simulated venue, a broker node (when orders go to brokers), or
    /// the simulated venue after the host's hard limits. The record changes where it lives; what
    /// leaves for a node or a venue is a copy of the intent, as a node's call back into the host
    /// may change the table.
    private func advance(_ place: Int, from slot: Int) {
        let hop = slots[slot].orderHop
        let branch = slots[slot].branch
        var order = orders[place: place].order
        func settle(_ stage: OrderRecord.Stage) { orders[place: place].stage = stage }
        if hop >= 0, slots[hop].kind == .risk {
            orders[place: place].path.append(hop)
            settle(.atRisk(hop))
            order.header.source = nodeID(slot)
            withUnsafePointer(to: order) { pointer in
                pointer.withMemoryRebound(to: trellis_event_header.self, capacity: 1) { call(hop, $0) }
            }
        } else if branch > 0 {
            settle(.atVenue)
            shadowVenues[branch - 1].submit(order, now: state.pointee.now) { queue.pointee.append($0, size: $1) }
        } else if let hold {
            settle(.deniedByHost)
            queueUpdate(for: order, status: TRELLIS_ORDER_DENIED, code: TRELLIS_REASON_LIMIT, reason: "trading is halted: \(hold)")
        } else if limits.isActive, let reason = limits.check(order, market: market(for: order), now: state.pointee.now) {
            settle(.deniedByHost)
            queueUpdate(for: order, status: TRELLIS_ORDER_DENIED, code: TRELLIS_REASON_LIMIT, reason: reason)
        } else if hop >= 0, routesOrdersToBrokers {
            // Fail closed: a daily-loss limit with no broker account to judge cannot pass an order.
            if limits.watchesEquity, brokers.reportedEquity.isEmpty {
                settle(.deniedByHost)
                queueUpdate(
                    for: order, status: TRELLIS_ORDER_DENIED, code: TRELLIS_REASON_LIMIT,
                    reason: "the daily-loss limit has no account from a broker to judge yet")
                return
            }
            let refusal = sizeForBroker(&order)
            orders[place: place].order = order
            if let refusal {
                settle(.deniedByHost)
                queueUpdate(for: order, status: TRELLIS_ORDER_REJECTED, code: refusal.code, reason: refusal.reason)
                return
            }
            guard journalIntent(order, broker: hop) else {
                settle(.deniedByHost)
                queueUpdate(for: order, status: TRELLIS_ORDER_DENIED, code: TRELLIS_REASON_LIMIT, reason: hold ?? "the journal cannot be written")
                return
            }
            settle(.atBroker(hop))
            paperBaseline?.submit(order, now: state.pointee.now) { _, _ in }
            noteSentToBroker(order, key: OrderKey(origin: order.origin, orderID: order.order_id), broker: hop)
            sendToBroker(hop, order, from: slot)
        } else {
            if orderJournal != nil, !journalIntent(order, broker: nil) {
                settle(.deniedByHost)
                queueUpdate(for: order, status: TRELLIS_ORDER_DENIED, code: TRELLIS_REASON_LIMIT, reason: hold ?? "the journal cannot be written")
                return
            }
            settle(.atVenue)
            venue.submit(order, now: state.pointee.now) { queue.pointee.append($0, size: $1) }
        }
    }

    /// Hands an order intent (new or cancel) to the broker node in `hop`; it answers with order
    /// updates and fills of its own.
    private func sendToBroker(_ hop: Int, _ order: trellis_order, from slot: Int) {
        var intent = order
        intent.header.source = nodeID(slot)
        withUnsafePointer(to: intent) { pointer in
            pointer.withMemoryRebound(to: trellis_event_header.self, capacity: 1) { call(hop, $0) }
        }
    }

    /// What the hard limits judge `order` by: the last price, the account's position and the
    /// units resting at the venue in its instrument, and the equity.
    private func market(for order: trellis_order) -> HardLimits.Market {
        let instrument = Int(order.header.instrument)
        // An unknown instrument has no price to judge by: the limits deny (the venue would reject).
        guard instrument >= 1, instrument <= instruments.count else {
            return HardLimits.Market(lastPrice: .nan, position: .nan, equity: venue.equity)
        }
        var buys = 0.0, sells = 0.0
        for waiting in venue.waiting where Int(waiting.instrument) == instrument {
            let closes = waiting.intent.order_flags & UInt32(TRELLIS_ORDER_FLAG_CLOSE_POSITION) != 0
            guard !closes, waiting.intent.size_mode == TRELLIS_SIZE_UNITS else { continue }
            if waiting.intent.side == TRELLIS_SIDE_BUY {
                buys += waiting.intent.quantity - waiting.filled
            } else {
                sells += waiting.intent.quantity - waiting.filled
            }
        }
        let atBrokers = restingAtBrokers(instrument: instrument)
        return HardLimits.Market(
            lastPrice: venue.lastPrice[instrument], position: venue.account[instrument].quantity, restingBuys: buys + atBrokers.buys,
            restingSells: sells + atBrokers.sells, equity: accountEquity)
    }

    /// A node cancels its order: held by a risk node, it is canceled at once; at the venue, the
    /// venue cancels it and confirms.
    private func cancel(_ key: OrderKey, _ intent: trellis_order) {
        let venue = venue(ofBranch: branch(ofOrigin: key.origin))
        if let record = orders[key], case .atBroker(let hop) = record.stage {
            var cancel = intent
            cancel.client_order_id = record.order.client_order_id
            paperBaseline?.cancel(intent, now: state.pointee.now) { _, _ in }
            // The order waits for the venue's word: pending cancel, until CANCELED (or a fill) comes.
            if record.status != TRELLIS_ORDER_PENDING_CANCEL {
                queueUpdate(for: record.order, status: TRELLIS_ORDER_PENDING_CANCEL, code: TRELLIS_REASON_NONE, reason: "")
            }
            sendToBroker(hop, cancel, from: slot(ofID: intent.header.source) ?? hop)
            return
        }
        guard let record = orders[key], case .atVenue = record.stage else {
            if let record = orders[key] {
                queueUpdate(for: record.order, status: TRELLIS_ORDER_CANCELED, code: TRELLIS_REASON_CANCELED, reason: "canceled by its node")
            } else {
                venue.cancel(intent, now: state.pointee.now) { queue.pointee.append($0, size: $1) }
            }
            return
        }
        venue.cancel(intent, now: state.pointee.now) { queue.pointee.append($0, size: $1) }
    }

    /// `trellis.risk/1` approve: the risk node in `slot` passes on an intent it holds, resized.
    func approve(from slot: Int, origin: UInt32, orderID: UInt64, quantity: Double, sizeMode: Int32) -> trellis_status {
        guard let place = orders.place(of: OrderKey(origin: origin, orderID: orderID)), orders[place: place].stage == .atRisk(slot) else {
            return TRELLIS_ERR_NOT_FOUND
        }
        let closes = orders[place: place].order.order_flags & UInt32(TRELLIS_ORDER_FLAG_CLOSE_POSITION) != 0
        guard quantity.isFinite, quantity > 0 || (closes && quantity == 0), (TRELLIS_SIZE_UNITS...TRELLIS_SIZE_NOTIONAL).contains(sizeMode) else {
            return TRELLIS_ERR_INVALID
        }
        orders[place: place].order.quantity = quantity
        orders[place: place].order.size_mode = sizeMode
        orders[place: place].stage = .approved(slot)
        var forward = orders[place: place].order
        forward.header.source = nodeID(slot)
        withUnsafePointer(to: forward) { _ = queue.pointee.append(UnsafeRawPointer($0), size: MemoryLayout<trellis_order>.size) }
        return TRELLIS_OK
    }

    /// `trellis.risk/1` deny: the risk node in `slot` refuses an intent it holds.
    func deny(from slot: Int, origin: UInt32, orderID: UInt64, code: Int32, reason: String) -> trellis_status {
        guard let place = orders.place(of: OrderKey(origin: origin, orderID: orderID)), orders[place: place].stage == .atRisk(slot) else {
            return TRELLIS_ERR_NOT_FOUND
        }
        orders[place: place].stage = .denied(slot)
        queueUpdate(
            for: orders[place: place].order, status: TRELLIS_ORDER_DENIED, code: code == TRELLIS_REASON_NONE ? TRELLIS_REASON_RISK : code,
            reason: reason, reporter: nodeID(slot))
        return TRELLIS_OK
    }

    /// An order update or fill: it goes to the order's origin and every risk node on its path; a
    /// denial goes to the origin and the risk nodes before the one that denied it.
    func routeOutcome(_ event: UnsafeMutablePointer<trellis_event_header>) {
        let raw = UnsafeRawPointer(event)
        let isUpdate = event.pointee.type == UInt16(TRELLIS_EVENT_ORDER_UPDATE)
        let reporter = slot(ofID: event.pointee.source)
        if let reporter, slots[reporter].kind == .broker, !admitBrokerReport(event, from: reporter) { return }
        let key: OrderKey
        if isUpdate {
            key = OrderKey(
                origin: raw.load(fromByteOffset: Self.updateOrigin, as: UInt32.self), orderID: raw.load(fromByteOffset: Self.updateOrderID, as: UInt64.self))
        } else {
            key = OrderKey(
                origin: raw.load(fromByteOffset: Self.fillOrigin, as: UInt32.self), orderID: raw.load(fromByteOffset: Self.fillOrderID, as: UInt64.self))
        }
        let place = orders.place(of: key)
        if !isUpdate, routesOrdersToBrokers, let reporter, slots[reporter].kind == .broker {
            venue.bookReported(UnsafeMutableRawPointer(event).assumingMemoryBound(to: trellis_fill.self))
            if let place { orders[place: place].filled += raw.load(fromByteOffset: Self.fillQuantity, as: Double.self) }
        }
        let status = isUpdate ? raw.load(fromByteOffset: Self.updateStatus, as: Int32.self) : 0
        if isUpdate {
            // An update that would move an order back in its lifecycle (reordered on its way), or
            // one after its final state, is stale: dropped before anyone sees it. No record: the
            // order ended, or was never known (a cancel of an unknown id); a broker's order that
            // ended is among its finished ones.
            let stale =
                if let place { OrderRecord.rank(status) < OrderRecord.rank(orders[place: place].status) } else {
                    !isTerminal(status) || brokers.finished[raw.load(fromByteOffset: Self.updateClientID, as: UInt64.self)] != nil
                }
            if stale {
                staleUpdates += 1
                return
            }
        }
        // A challenger's orders are not the run's: they stay out of its fingerprint and order log.
        if shadowVenues.isEmpty || branch(ofOrigin: key.origin) == 0 {
            fingerprint.add(UnsafePointer(event))
            if keepsOrderLog { orderLog.add(UnsafePointer(event)) }
            if orderJournal != nil { journalOutcome(UnsafePointer(event)) }
        }
        var path: [Int] = []
        if let place {
            if !orders[place: place].path.isEmpty {
                path = orders[place: place].path
                if case .denied(let reporter) = orders[place: place].stage { path = Array(path.prefix { $0 != reporter }) }
            }
            if isUpdate {
                if isTerminal(status) {
                    let clientID = orders[place: place].order.client_order_id
                    orders.remove(key)
                    forgetClientID(clientID)
                } else if status != orders[place: place].status {
                    orders[place: place].status = status
                }
            }
        }
        if let target = slot(ofID: key.origin) { call(target, UnsafePointer(event)) }
        for riskSlot in path { call(riskSlot, UnsafePointer(event)) }
    }

    private static let updateOrigin = MemoryLayout<trellis_order_update>.offset(of: \.origin)!
    private static let updateOrderID = MemoryLayout<trellis_order_update>.offset(of: \.order_id)!
    private static let updateStatus = MemoryLayout<trellis_order_update>.offset(of: \.status)!
    private static let fillOrigin = MemoryLayout<trellis_fill>.offset(of: \.origin)!
    private static let fillOrderID = MemoryLayout<trellis_fill>.offset(of: \.order_id)!
    private static let fillQuantity = MemoryLayout<trellis_fill>.offset(of: \.quantity)!

    /// Sends an order intent to the observers among the consumers of `source`.
    private func deliverToObservers(_ event: UnsafePointer<trellis_event_header>, from source: Int) {
        for cursor in routing.consumerStart[source]..<routing.consumerStart[source + 1] {
            let slot = routing.consumers[cursor]
            if slots[slot].kind == .observer { call(slot, event) }
        }
    }

    /// Queues a rejection of `order` by the host.
    private func reject(_ order: trellis_order, code: Int32, reason: String) {
        queueUpdate(for: order, status: TRELLIS_ORDER_REJECTED, code: code, reason: reason)
    }

    /// Queues an order update from the host (source 0).
    func queueUpdate(for order: trellis_order, status: Int32, code: Int32, reason: String, reporter: UInt32 = 0, flags: UInt16 = 0) {
        var update = trellis_order_update()
        update.header = trellis_event_header(
            size: UInt32(MemoryLayout<trellis_order_update>.size), type: UInt16(TRELLIS_EVENT_ORDER_UPDATE), flags: flags,
            ts_ns: state.pointee.now, instrument: order.header.instrument, source: 0)
        update.order_id = order.order_id
        update.origin = order.origin
        update.client_order_id = order.client_order_id
        update.status = status
        update.side = order.side
        update.reporter = reporter
        update.quantity = order.size_mode == TRELLIS_SIZE_UNITS && order.order_flags & UInt32(TRELLIS_ORDER_FLAG_CLOSE_POSITION) == 0 ? order.quantity : 0
        update.reason_code = code
        writeFixed(reason, into: &update.reason)
        withUnsafePointer(to: update) { _ = queue.pointee.append(UnsafeRawPointer($0), size: MemoryLayout<trellis_order_update>.size) }
    }

    private func isTerminal(_ status: Int32) -> Bool {
        switch status {
        case TRELLIS_ORDER_FILLED, TRELLIS_ORDER_CANCELED, TRELLIS_ORDER_REJECTED, TRELLIS_ORDER_EXPIRED, TRELLIS_ORDER_DENIED: true
        default: false
        }
    }

    /// Orders a risk node received and neither approved nor denied, by node name.
    var ordersHeldByRiskNodes: [String: Int] {
        var held: [String: Int] = [:]
        for record in orders.values {
            if case .atRisk(let slot) = record.stage { held[graph.nodes[slot].name, default: 0] += 1 }
        }
        return held
    }
}
