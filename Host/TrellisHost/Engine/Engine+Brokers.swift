import CTrellis

extension Engine {
    /// The account equity the host's limits judge: what a broker reported in a live run, the
    /// simulated venue's otherwise.
    var accountEquity: Double {
        guard routesOrdersToBrokers, !brokers.reportedEquity.isEmpty else { return venue.equity }
        return brokers.reportedEquity.values.reduce(0, +)
    }

    /// Gives a new order intent its client order id.
    @inline(__always)
    func assignClientID(_ order: UnsafeMutablePointer<trellis_order>) {
        order.pointee.client_order_id = order.pointee.action == TRELLIS_ACTION_NEW ? brokers.nextClientID() : 0
    }

    /// Sizes an order for a broker, which takes units: a close-position order becomes the node's
    /// position the other way; a fraction of equity or an amount of money becomes whole lots at
    /// the last price (the simulated venue sizes at the fill price; a broker cannot). Returns why
    /// the order cannot be sized, or nil.
    func sizeForBroker(_ order: inout trellis_order) -> (code: Int32, reason: String)? {
        guard order.action == TRELLIS_ACTION_NEW else { return nil }
        let instrument = order.header.instrument
        guard instrument >= 1, Int(instrument) <= instruments.count else { return (TRELLIS_REASON_INVALID, "unknown instrument \(instrument)") }
        if order.order_flags & UInt32(TRELLIS_ORDER_FLAG_CLOSE_POSITION) != 0 {
            let position = venue.position(node: order.origin, instrument: instrument)
            guard position != 0 else { return (TRELLIS_REASON_NO_POSITION, "no position to close") }
            order.side = position > 0 ? TRELLIS_SIDE_SELL : TRELLIS_SIDE_BUY
            order.quantity = abs(position)
            order.size_mode = TRELLIS_SIZE_UNITS
            order.order_flags &= ~UInt32(TRELLIS_ORDER_FLAG_CLOSE_POSITION)
            return nil
        }
        guard order.size_mode != TRELLIS_SIZE_UNITS else { return nil }
        let price = Int(instrument) <= instruments.count && instrument > 0 ? venue.lastPrice[Int(instrument)] : .nan
        guard price.isFinite, price > 0 else { return (TRELLIS_REASON_INVALID, "no last price to size the order by") }
        let amount = order.size_mode == TRELLIS_SIZE_EQUITY ? order.quantity * accountEquity : order.quantity
        let lot = instruments.lotSize(instrument)
        let units = lot > 0 ? (amount / price / lot).rounded(.down) * lot : amount / price
        guard units.isFinite, units > 0 else { return (TRELLIS_REASON_ZERO_SIZE, "it sizes to zero lots at \(NumberFormat.compact(price))") }
        order.quantity = units
        order.size_mode = TRELLIS_SIZE_UNITS
        return nil
    }

    /// Notes that the order `key` goes to the broker in `hop`.
    func noteSentToBroker(_ order: trellis_order, key: OrderKey, broker hop: Int) {
        brokers.byClientID[order.client_order_id] = (key, hop)
    }

    /// Checks an order update or fill that broker `reporter` emitted and completes it from the
    /// host's records: a broker may name the order by client id alone. Returns false (the event
    /// is dropped, and said) when the order was not sent to this broker, or when a fill repeats
    /// an execution already booked.
    func admitBrokerReport(_ event: UnsafeMutablePointer<trellis_event_header>, from reporter: Int) -> Bool {
        let raw = UnsafeMutableRawPointer(event)
        let isUpdate = event.pointee.type == UInt16(TRELLIS_EVENT_ORDER_UPDATE)
        let clientID = isUpdate ? raw.load(fromByteOffset: Self.updateClientID, as: UInt64.self) : raw.load(fromByteOffset: Self.fillClientID, as: UInt64.self)
        let what = isUpdate ? "an order update" : "a fill"
        if clientID != 0 {
            guard let sent = brokers.sent(clientID) else {
                if reconciliation != nil {
                    noteUnexplained(UnsafePointer(event), clientID: clientID)
                    return false
                }
                noteProblem(slot: reporter, "reported \(what) for client order id \(clientID), which the host never sent; it is dropped")
                return false
            }
            guard sent.broker == reporter else {
                noteProblem(
                    slot: reporter, "reported \(what) for client order id \(clientID), which went to node '\(graph.nodes[sent.broker].name)'; it is dropped")
                return false
            }
            // The host's record says which instrument and side the order is: a broker's word is not needed.
            if let record = orders[sent.key] {
                event.pointee.instrument = record.order.header.instrument
                raw.storeBytes(of: record.order.side, toByteOffset: isUpdate ? Self.updateSide : Self.fillSide, as: Int32.self)
            }
            if isUpdate {
                raw.storeBytes(of: sent.key.origin, toByteOffset: Self.updateOriginOffset, as: UInt32.self)
                raw.storeBytes(of: sent.key.orderID, toByteOffset: Self.updateOrderIDOffset, as: UInt64.self)
            } else {
                raw.storeBytes(of: sent.key.origin, toByteOffset: Self.fillOriginOffset, as: UInt32.self)
                raw.storeBytes(of: sent.key.orderID, toByteOffset: Self.fillOrderIDOffset, as: UInt64.self)
                let tradeID = readFixed(raw.load(fromByteOffset: Self.fillTradeID, as: VenueID.self))
                guard brokers.isNewTrade(clientID: clientID, tradeID: tradeID) else { return false }
            }
            return true
        }
        // A broker of ABI 1.1 or older names the order by origin and id: it must be one sent to it.
        let origin = raw.load(fromByteOffset: isUpdate ? Self.updateOriginOffset : Self.fillOriginOffset, as: UInt32.self)
        let orderID = raw.load(fromByteOffset: isUpdate ? Self.updateOrderIDOffset : Self.fillOrderIDOffset, as: UInt64.self)
        guard let record = orders[OrderKey(origin: origin, orderID: orderID)], case .atBroker(let hop) = record.stage, hop == reporter else {
            noteProblem(slot: reporter, "reported \(what) for order \(orderID) of node id \(origin), which was not sent to it; it is dropped")
            return false
        }
        return true
    }

    /// Moves an order that reached a final state from the open ones to the finished ones.
    func forgetClientID(_ clientID: UInt64) {
        if clientID != 0 { brokers.finish(clientID) }
    }

    /// Units resting at brokers in `instrument`, buys and sells, for the limits.
    func restingAtBrokers(instrument: Int) -> (buys: Double, sells: Double) {
        guard routesOrdersToBrokers, !brokers.byClientID.isEmpty else { return (0, 0) }
        var buys = 0.0, sells = 0.0
        for sent in brokers.byClientID.values {
            guard let record = orders[sent.key], Int(record.order.header.instrument) == instrument, record.order.size_mode == TRELLIS_SIZE_UNITS else {
                continue
            }
            let open = max(0, record.order.quantity - record.filled)
            if record.order.side == TRELLIS_SIDE_BUY { buys += open } else { sells += open }
        }
        return (buys, sells)
    }

    typealias VenueID = (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)

    static let updateClientID = MemoryLayout<trellis_order_update>.offset(of: \.client_order_id)!
    static let updateOriginOffset = MemoryLayout<trellis_order_update>.offset(of: \.origin)!
    static let updateOrderIDOffset = MemoryLayout<trellis_order_update>.offset(of: \.order_id)!
    static let fillClientID = MemoryLayout<trellis_fill>.offset(of: \.client_order_id)!
    static let fillOriginOffset = MemoryLayout<trellis_fill>.offset(of: \.origin)!
    static let fillOrderIDOffset = MemoryLayout<trellis_fill>.offset(of: \.order_id)!
    static let fillTradeID = MemoryLayout<trellis_fill>.offset(of: \.venue_trade_id)!
    static let updateSide = MemoryLayout<trellis_order_update>.offset(of: \.side)!
    static let fillSide = MemoryLayout<trellis_fill>.offset(of: \.side)!
}
