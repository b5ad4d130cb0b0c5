import CTrellis
import Logging

/// Identifies an order: the node that originated it and that node's id for it.
struct OrderKey: Hashable {
    var origin: UInt32
    var orderID: UInt64
}

/// Where an order is on its way from its origin through risk nodes to the venue.
struct OrderRecord {
    enum Stage: Equatable {
        case atRisk(Int)
        case atVenue
    }

    /// Risk node slots the order passed through, in order.
    var path: [Int] = []
    var stage = Stage.atVenue
}

extension Engine {
    /// Sets `origin` (and an id when the node left it 0) on an order intent a node emitted. A risk
    /// node passing on an order it holds keeps the order's origin; anything else a node emits is
    /// its own order.
    func stampOrder(_ order: UnsafeMutablePointer<trellis_order>, from slot: Int) {
        let key = OrderKey(origin: order.pointee.origin, orderID: order.pointee.order_id)
        if slots[slot].kind == .risk, order.pointee.action == TRELLIS_ACTION_NEW, orders[key]?.stage == .atRisk(slot) {
            return
        }
        order.pointee.origin = nodeID(slot)
        if order.pointee.order_id == 0 {
            hostOrderIDs[slot] += 1
            order.pointee.order_id = (1 << 63) | hostOrderIDs[slot]
        }
    }

    /// An order intent: observers among the emitter's consumers see it; then it goes to the
    /// emitter's risk node, or to the venue.
    func routeOrder(_ event: UnsafeMutablePointer<trellis_event_header>) {
        let order = UnsafeMutableRawPointer(event).assumingMemoryBound(to: trellis_order.self)
        guard let emitter = slot(ofID: event.pointee.source) else { return }
        deliverToObservers(UnsafePointer(event), from: Int(event.pointee.source))
        let key = OrderKey(origin: order.pointee.origin, orderID: order.pointee.order_id)
        if order.pointee.action == TRELLIS_ACTION_CANCEL {
            orders[key] = nil
            venue.cancel(order.pointee, now: state.pointee.now) { queue.pointee.append($0, size: $1) }
            return
        }
        if order.pointee.origin == nodeID(emitter) {
            guard orders[key] == nil else {
                reject(order.pointee, reason: "order id \(order.pointee.order_id) is still in use by an open order of this node")
                return
            }
            orders[key] = OrderRecord()
        }
        let hop = slots[emitter].orderHop
        if hop >= 0, slots[hop].kind == .risk {
            orders[key]?.path.append(hop)
            orders[key]?.stage = .atRisk(hop)
            call(hop, UnsafePointer(event))
        } else {
            orders[key]?.stage = .atVenue
            venue.submit(order.pointee, now: state.pointee.now) { queue.pointee.append($0, size: $1) }
        }
    }

    /// An order update or fill: from the venue (or a broker), it goes to the order's origin and
    /// every risk node on its path; a risk node's denial goes to the origin and the risk nodes
    /// before it.
    func routeOutcome(_ event: UnsafeMutablePointer<trellis_event_header>) {
        let isUpdate = event.pointee.type == UInt16(TRELLIS_EVENT_ORDER_UPDATE)
        let raw = UnsafeMutableRawPointer(event)
        let origin = isUpdate ? raw.load(as: trellis_order_update.self).origin : raw.load(as: trellis_fill.self).origin
        let orderID = isUpdate ? raw.load(as: trellis_order_update.self).order_id : raw.load(as: trellis_fill.self).order_id
        let key = OrderKey(origin: origin, orderID: orderID)
        var path = orders[key]?.path ?? []
        if let reporter = slot(ofID: event.pointee.source), slots[reporter].kind == .risk {
            let update = raw.assumingMemoryBound(to: trellis_order_update.self)
            guard isUpdate, update.pointee.status == TRELLIS_ORDER_DENIED, orders[key]?.stage == .atRisk(reporter) else {
                logger.warning("ignored an order update from a risk node: risk nodes may only deny orders they hold", metadata: ["node": "\(names[Int(event.pointee.source)])"])
                return
            }
            update.pointee.reporter = event.pointee.source
            path = Array(path.prefix { $0 != reporter })
        }
        fingerprint.add(UnsafePointer(event))
        if isUpdate, isTerminal(raw.load(as: trellis_order_update.self).status) { orders[key] = nil }
        if let target = slot(ofID: origin) { call(target, UnsafePointer(event)) }
        for riskSlot in path { call(riskSlot, UnsafePointer(event)) }
    }

    /// Sends an order intent to the observers among the consumers of `source`.
    private func deliverToObservers(_ event: UnsafePointer<trellis_event_header>, from source: Int) {
        for cursor in routing.consumerStart[source]..<routing.consumerStart[source + 1] {
            let slot = routing.consumers[cursor]
            if slots[slot].kind == .observer { call(slot, event) }
        }
    }

    /// Queues a rejection of `order` by the host.
    private func reject(_ order: trellis_order, reason: String) {
        var update = trellis_order_update()
        update.header = trellis_event_header(
            size: UInt32(MemoryLayout<trellis_order_update>.size), type: UInt16(TRELLIS_EVENT_ORDER_UPDATE), flags: 0,
            ts_ns: state.pointee.now, instrument: order.header.instrument, source: 0)
        update.order_id = order.order_id
        update.origin = order.origin
        update.status = TRELLIS_ORDER_REJECTED
        update.side = order.side
        update.quantity = order.quantity
        writeFixed(reason, into: &update.reason)
        withUnsafePointer(to: update) { _ = queue.pointee.append(UnsafeRawPointer($0), size: MemoryLayout<trellis_order_update>.size) }
    }

    private func isTerminal(_ status: Int32) -> Bool {
        switch status {
        case TRELLIS_ORDER_FILLED, TRELLIS_ORDER_CANCELED, TRELLIS_ORDER_REJECTED, TRELLIS_ORDER_EXPIRED, TRELLIS_ORDER_DENIED: true
        default: false
        }
    }

    /// Orders a risk node received and neither passed on nor denied, by node name.
    var ordersHeldByRiskNodes: [String: Int] {
        var held: [String: Int] = [:]
        for record in orders.values {
            if case .atRisk(let slot) = record.stage { held[graph.nodes[slot].name, default: 0] += 1 }
        }
        return held
    }
}
