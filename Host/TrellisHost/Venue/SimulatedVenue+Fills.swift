import CTrellis

/// Sizing, funds, slippage and booking a fill.
extension SimulatedVenue {
    /// Fills what it can of `order` at `price` (of which `available` units at most, nil for all),
    /// and reports it. Returns whether the order is finished (filled, refused or expired).
    func execute(_ order: inout VenueOrder, price: Double, marketLike: Bool, available: Double?, time: Int64, emit: Sink) -> Bool {
        if order.target == nil {
            switch size(order, at: price) {
            case .units(let units): order.target = units
            case .refused(let status, let code, let reason):
                emitUpdate(for: order.intent, status: status, code: code, reason: reason, now: time, emit: emit)
                return true
            }
        }
        let remaining = order.remaining ?? 0
        let lot = instruments.lotSize(order.instrument)
        let quantity = available.map { min(remaining, wholeLots($0, lot: lot, tolerance: 1e-9)) } ?? remaining
        let immediate = order.intent.time_in_force == TRELLIS_TIF_IOC || order.intent.time_in_force == TRELLIS_TIF_FOK
        if order.intent.time_in_force == TRELLIS_TIF_FOK, quantity < remaining - Holding.dust {
            expire(order, reason: "fill or kill: only \(quantity) of \(remaining) available", now: time, emit: emit)
            return true
        }
        guard quantity > Holding.dust else {
            if immediate { expire(order, reason: "nothing available at once (immediate or cancel)", now: time, emit: emit) }
            return immediate
        }
        let fillPrice = marketLike ? slipped(price, buying: order.isBuy, instrument: order.instrument) : price
        let fee = commission(quantity: quantity, price: fillPrice)
        if let reason = unaffordable(instrument: Int(order.instrument), signedQuantity: order.side * quantity, price: fillPrice, fee: fee) {
            emitUpdate(
                for: order.intent, status: TRELLIS_ORDER_REJECTED, filled: order.filled, average: order.averagePrice,
                code: TRELLIS_REASON_INSUFFICIENT_FUNDS, reason: reason, now: time, emit: emit)
            return true
        }
        bookFill(order.intent, quantity: quantity, price: fillPrice, fee: fee, time: time, emit: emit)
        order.filled += quantity
        order.filledNotional += quantity * fillPrice
        let complete = order.filled >= (order.target ?? 0) - Holding.dust
        emitUpdate(
            for: order.intent, status: complete ? TRELLIS_ORDER_FILLED : TRELLIS_ORDER_PARTIALLY_FILLED, ordered: order.target,
            filled: order.filled, average: order.averagePrice, now: time, emit: emit)
        if !complete && immediate {
            expire(order, reason: "immediate or cancel: the rest of the order is canceled", now: time, emit: emit)
            return true
        }
        return complete
    }

    enum Sizing {
        case units(Double)
        case refused(status: Int32, code: Int32, reason: String)
    }

    /// The order's whole quantity in units, sized at `price`: the node's position for a close,
    /// the free equity's fraction or an amount of currency divided by the price plus commission
    /// (rounded down to lots with Python's floor division, as backtesting.py does), or the units.
    func size(_ order: VenueOrder, at price: Double) -> Sizing {
        let instrument = Int(order.instrument)
        let heldByNode = nodeHoldings[Int(order.intent.origin)][instrument].quantity
        let reduces = heldByNode != 0 && (heldByNode > 0) != order.isBuy
        let lot = instruments.lotSize(order.instrument)
        var units: Double
        if order.closesPosition {
            guard reduces else { return .refused(status: TRELLIS_ORDER_CANCELED, code: TRELLIS_REASON_NO_POSITION, reason: "no position to close") }
            units = abs(heldByNode)
        } else {
            let quantity = order.intent.quantity
            switch order.intent.size_mode {
            case TRELLIS_SIZE_EQUITY:
                let free = max(0, equity - grossExposure())
                units = lots(free * quantity, per: price + commission(quantity: quantity, price: price) / quantity, lot: lot)
            case TRELLIS_SIZE_NOTIONAL:
                units = lots(quantity, per: price + commission(quantity: 1, price: price), lot: lot)
            default:
                units = wholeLots(quantity, lot: lot, tolerance: 1e-9)
            }
        }
        if order.reduceOnly {
            guard reduces else {
                let reason = heldByNode == 0 ? "reduce-only: no position to reduce" : "reduce-only: it would increase the position"
                return .refused(status: TRELLIS_ORDER_CANCELED, code: TRELLIS_REASON_NO_POSITION, reason: reason)
            }
            units = min(units, abs(heldByNode))
        }
        guard units > Holding.dust else {
            return .refused(status: TRELLIS_ORDER_REJECTED, code: TRELLIS_REASON_ZERO_SIZE, reason: "the order sizes to zero lots at \(price)")
        }
        return .units(units)
    }

    /// How many `lot`s of what costs `cost` each `amount` buys, floored as Python's `//` floors.
    private func lots(_ amount: Double, per cost: Double, lot: Double) -> Double {
        guard lot > 0 else { return amount / cost }
        return pythonFloorDivide(amount, cost * lot) * lot
    }

    /// `quantity` rounded down to whole lots; `tolerance` (in lots) absorbs binary fractions such
    /// as 0.3 / 0.1 = 2.9999999999999996 for quantities the user wrote.
    func wholeLots(_ quantity: Double, lot: Double, tolerance: Double = 0) -> Double {
        guard lot > 0 else { return quantity }
        return (quantity / lot + tolerance).rounded(.down) * lot
    }

    /// The equity-curve step being made: the next one during the run, the last one when settling.
    var currentStep: Int { book.pointee.settling ? max(book.pointee.steps - 1, 0) : book.pointee.steps }

    /// Commission of a fill: the fixed part plus the relative part of its notional.
    func commission(quantity: Double, price: Double) -> Double {
        settings.fixedCommission + abs(quantity) * price * settings.commission
    }

    /// `price` moved against the trader by the slippage, then to the tick against the trader.
    private func slipped(_ price: Double, buying: Bool, instrument: UInt32) -> Double {
        guard settings.slippageBPS > 0 else { return price }
        let moved = price * (buying ? 1 + settings.slippageBPS / 10_000 : 1 - settings.slippageBPS / 10_000)
        let tick = instruments.tickSize(instrument)
        guard tick > 0 else { return moved }
        return (buying ? (moved / tick - 1e-9).rounded(.up) : (moved / tick + 1e-9).rounded(.down)) * tick
    }

    /// The account's gross exposure: every position's size times its last price.
    private func grossExposure(excluding excluded: Int? = nil) -> Double {
        var exposure = 0.0
        for index in 0..<book.pointee.heldCount where Int(held[index]) != excluded {
            exposure += abs(account[Int(held[index])].quantity) * lastPrice[Int(held[index])]
        }
        return exposure
    }

    /// Why a fill would overdraw the account (gross exposure above equity), or nil.
    private func unaffordable(instrument: Int, signedQuantity: Double, price: Double, fee: Double) -> String? {
        let before = account[instrument].quantity
        let after = before + signedQuantity
        guard abs(after) > abs(before) + Holding.dust else { return nil }
        let exposure = abs(after) * price + grossExposure(excluding: instrument)
        guard exposure > (equity - fee) * (1 + 1e-12) else { return nil }
        return "insufficient funds: needs \(format(exposure + fee)), equity is \(format(equity))"
    }

    /// Books a fill: cash, the account's and the node's holdings, the trade book; reports it.
    private func bookFill(_ intent: trellis_order, quantity: Double, price: Double, fee: Double, time: Int64, emit: Sink) {
        let instrument = Int(intent.header.instrument)
        let signed = Double(intent.side) * quantity
        account(origin: intent.origin, instrument: instrument, signed: signed, price: price, fee: fee, time: time)
        var fill = trellis_fill()
        fill.header = trellis_event_header(
            size: UInt32(MemoryLayout<trellis_fill>.size), type: UInt16(TRELLIS_EVENT_FILL), flags: 0, ts_ns: time,
            instrument: UInt32(instrument), source: 0)
        fill.order_id = intent.order_id
        fill.origin = intent.origin
        fill.client_order_id = intent.client_order_id
        fill.side = intent.side
        fill.quantity = quantity
        fill.price = price
        fill.commission = fee
        fill.position = nodeHoldings[Int(intent.origin)][instrument].quantity
        withUnsafePointer(to: fill) { emit(UnsafeRawPointer($0), MemoryLayout<trellis_fill>.size) }
    }

    /// Books a fill a broker node reported into the account and its origin's sub-ledger, and
    /// sets its `position`. A fill of an unknown instrument or origin is left alone.
    func bookReported(_ fill: UnsafeMutablePointer<trellis_fill>) {
        let instrument = Int(fill.pointee.header.instrument), origin = Int(fill.pointee.origin)
        guard instrument >= 1, instrument <= instruments.count, origin < nodeHoldings.count, fill.pointee.quantity.isFinite,
            fill.pointee.price.isFinite
        else { return }
        let signed = Double(fill.pointee.side) * fill.pointee.quantity
        account(
            origin: fill.pointee.origin, instrument: instrument, signed: signed, price: fill.pointee.price, fee: fill.pointee.commission,
            time: fill.pointee.header.ts_ns)
        fill.pointee.position = nodeHoldings[origin][instrument].quantity
    }

    /// Moves cash, the account's and the origin's holdings, and the trade book by one fill.
    private func account(origin: UInt32, instrument: Int, signed: Double, price: Double, fee: Double, time: Int64) {
        book.pointee.cash -= signed * price + fee
        let wasFlat = account[instrument].quantity == 0
        account[instrument].apply(signed, at: price, commission: fee)
        if wasFlat, account[instrument].quantity != 0 {
            held[book.pointee.heldCount] = UInt32(instrument)
            book.pointee.heldCount += 1
        } else if account[instrument].quantity == 0, let index = (0..<book.pointee.heldCount).first(where: { held[$0] == UInt32(instrument) }) {
            book.pointee.heldCount -= 1
            held[index] = held[book.pointee.heldCount]
        }
        nodeHoldings[Int(origin)][instrument].apply(signed, at: price, commission: fee)
        trades.record(
            node: origin, nodeName: nodeNames[Int(origin)], instrument: UInt32(instrument),
            symbol: instruments.symbol(UInt32(instrument)), signedQuantity: signed, price: price, commission: fee,
            time: time, bar: barIndex[instrument], step: currentStep)
    }

    /// Reports a change of an order's state; `ordered` is its size in units once known.
    func emitUpdate(
        for intent: trellis_order, status: Int32, ordered: Double? = nil, filled: Double = 0, average: Double = 0,
        code: Int32 = TRELLIS_REASON_NONE, reason: String = "", reporter: UInt32 = 0, now: Int64, emit: Sink
    ) {
        var update = trellis_order_update()
        update.header = trellis_event_header(
            size: UInt32(MemoryLayout<trellis_order_update>.size), type: UInt16(TRELLIS_EVENT_ORDER_UPDATE), flags: 0, ts_ns: now,
            instrument: intent.header.instrument, source: 0)
        update.order_id = intent.order_id
        update.origin = intent.origin
        update.client_order_id = intent.client_order_id
        update.status = status
        update.side = intent.side
        update.quantity = ordered ?? (filled > 0 ? filled : statedQuantity(intent))
        update.filled_quantity = filled
        update.leaves_quantity = status == TRELLIS_ORDER_ACCEPTED || status == TRELLIS_ORDER_PARTIALLY_FILLED ? max(0, update.quantity - filled) : 0
        update.average_price = average
        update.reason_code = code
        update.reporter = reporter
        writeFixed(reason, into: &update.reason)
        withUnsafePointer(to: update) { emit(UnsafeRawPointer($0), MemoryLayout<trellis_order_update>.size) }
    }

    /// The quantity an order states before it is sized: units as given; 0 for orders sized at the
    /// fill (equity, notional, close position), whose quantity field means something else.
    private func statedQuantity(_ intent: trellis_order) -> Double {
        let closes = intent.order_flags & UInt32(TRELLIS_ORDER_FLAG_CLOSE_POSITION) != 0
        return intent.size_mode == TRELLIS_SIZE_UNITS && !closes ? intent.quantity : 0
    }

    private func format(_ value: Double) -> String {
        NumberFormat.grouped(value)
    }
}
