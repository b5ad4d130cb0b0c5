import CTrellis

/// What a risk node may do beyond its verdicts (`trellis.risk/1`, 1.1): see the account, close
/// a position of a node whose orders pass it, and cancel an order of such a node that rests at
/// the venue.
extension Engine {
    /// Sends every risk node the account, marked at the last prices, after a timestamp; a
    /// challenger's risk node gets its own venue's.
    func sendAccount(at time: Int64) {
        var account = trellis_account()
        var branch = -1
        for slot in riskSlots {
            // Risk slots come in topological order: the graph's own first, then each branch's.
            guard slots[slot].branch != branch else {
                deliverAccount(account, to: slot)
                continue
            }
            branch = slots[slot].branch
            account.header = trellis_event_header(
                size: UInt32(MemoryLayout<trellis_account>.size), type: UInt16(TRELLIS_EVENT_ACCOUNT), flags: 0, ts_ns: time, instrument: 0, source: 0)
            let balances = venue(ofBranch: branch).balances
            account.cash = balances.cash
            account.equity = balances.equity
            account.realized_pnl = balances.realized
            account.commission = balances.commission
            deliverAccount(account, to: slot)
        }
    }

    private func deliverAccount(_ account: trellis_account, to slot: Int) {
        guard slots[slot].abiMinor >= 1 else { return }  // the account reaches risk nodes since 1.1
        withUnsafePointer(to: account) { pointer in
            pointer.withMemoryRebound(to: trellis_event_header.self, capacity: 1) { call(slot, $0) }
        }
        if !queue.pointee.isEmpty { drain() }
    }

    /// `close_position`: the risk node in `slot` closes node `origin`'s position in
    /// `instrument` at market, on the origin's behalf, from `slot` on down the path.
    func closePosition(from slot: Int, origin: UInt32, instrument: UInt32, reason: String) -> trellis_status {
        guard let originSlot = self.slot(ofID: origin), let path = riskPath(of: originSlot, through: slot), instrument >= 1,
            Int(instrument) <= instruments.count
        else { return TRELLIS_ERR_NOT_FOUND }
        let position = venue(ofBranch: slots[originSlot].branch).position(node: origin, instrument: instrument)
        guard position != 0 else { return TRELLIS_ERR_NOT_FOUND }
        var order = trellis_order()
        order.header = trellis_event_header(
            size: UInt32(MemoryLayout<trellis_order>.size), type: UInt16(TRELLIS_EVENT_ORDER), flags: 0, ts_ns: state.pointee.now,
            instrument: instrument, source: nodeID(slot))
        hostOrderIDs[originSlot] += 1
        order.order_id = (1 << 63) | hostOrderIDs[originSlot]
        order.origin = origin
        order.side = position > 0 ? TRELLIS_SIDE_SELL : TRELLIS_SIDE_BUY
        order.quantity = abs(position)
        order.order_flags = UInt32(TRELLIS_ORDER_FLAG_CLOSE_POSITION)
        orders[OrderKey(origin: origin, orderID: order.order_id)] = OrderRecord(order: order, path: path, stage: .approved(slot))
        queueUpdate(for: order, status: TRELLIS_ORDER_SUBMITTED, code: TRELLIS_REASON_RISK, reason: reason, reporter: nodeID(slot))
        withUnsafePointer(to: order) { _ = queue.pointee.append(UnsafeRawPointer($0), size: MemoryLayout<trellis_order>.size) }
        return TRELLIS_OK
    }

    /// `cancel`: the risk node in `slot` cancels an order of `origin` that passed it and rests
    /// at the venue.
    func cancelResting(from slot: Int, origin: UInt32, orderID: UInt64, reason: String) -> trellis_status {
        let venue = venue(ofBranch: branch(ofOrigin: origin))
        guard let record = orders[OrderKey(origin: origin, orderID: orderID)], record.stage == .atVenue, record.path.contains(slot),
            venue.isWaiting(origin: origin, orderID: orderID)
        else { return TRELLIS_ERR_NOT_FOUND }
        venue.cancel(record.order, now: state.pointee.now, code: TRELLIS_REASON_RISK, reason: reason, reporter: nodeID(slot)) {
            queue.pointee.append($0, size: $1)
        }
        return TRELLIS_OK
    }

    /// The risk nodes an order of `originSlot` passes up to and including `slot`, or nil when
    /// `slot` is not on its path.
    private func riskPath(of originSlot: Int, through slot: Int) -> [Int]? {
        var path: [Int] = []
        var hop = slots[originSlot].orderHop
        while hop >= 0, slots[hop].kind == .risk {
            path.append(hop)
            if hop == slot { return path }
            hop = slots[hop].orderHop
        }
        return nil
    }
}
