import CTrellis

/// Matching waiting orders against bars, trades and quotes.
extension SimulatedVenue {
    /// A bar: every waiting order of its instrument, oldest first, fills in full at the price the
    /// bar allows (the same rules as backtesting.py), stamped with the bar's open time.
    func matchBar(_ bar: trellis_bar, emit: Sink) {
        let time = bar.header.ts_ns - bar.period_ns
        matchWaiting(of: bar.header.instrument, at: time, emit: emit) { order in
            price(of: &order, in: bar).map { ($0.price, $0.marketLike, nil) }
        }
    }

    /// A trade print: orders fill at its price (a limit order at its limit), oldest first, until
    /// the printed quantity is used up.
    func matchTrade(_ trade: trellis_trade, emit: Sink) {
        var available = trade.quantity
        matchWaiting(of: trade.header.instrument, at: trade.header.ts_ns, emit: emit) { order in
            guard available > 0, let price = price(of: &order, buy: trade.price, sell: trade.price) else { return nil }
            return (price.price, price.marketLike, available)
        } consumed: { _, quantity in
            available -= quantity
        }
    }

    /// A quote: buys fill at the ask up to its size, sells at the bid up to its size.
    func matchQuote(_ quote: trellis_quote, emit: Sink) {
        var asks = quote.ask_size, bids = quote.bid_size
        matchWaiting(of: quote.header.instrument, at: quote.header.ts_ns, emit: emit) { order in
            let available = order.isBuy ? asks : bids
            guard available > 0, let price = price(of: &order, buy: quote.ask, sell: quote.bid) else { return nil }
            return (price.price, price.marketLike, available)
        } consumed: { isBuy, quantity in
            if isBuy { asks -= quantity } else { bids -= quantity }
        }
    }

    /// Settles the end of the data: with `at_end: close-at-open` or `close-at-close`, `closes`
    /// (one close-position order per open position, made by the engine) go first, then (at the
    /// open) every order still waiting is matched against its instrument's last bar once more.
    func settle(_ closes: [trellis_order], now: Int64, emit: Sink) {
        guard settings.atEnd != .keep else { return }
        book.pointee.settling = true
        for (offset, intent) in closes.enumerated() {
            waiting.insert(VenueOrder(intent: intent, submittedAt: now), at: offset)
            waitingCount[Int(intent.header.instrument)] += 1
            emitUpdate(for: intent, status: TRELLIS_ORDER_ACCEPTED, now: now, emit: emit)
        }
        let instrumentsWithOrders = Set(waiting.map(\.instrument)).sorted()
        for instrument in instrumentsWithOrders where barIndex[Int(instrument)] >= 0 {
            if settings.atEnd == .closeAtOpen {
                matchBar(lastBar[Int(instrument)], emit: emit)
            } else {
                let bar = lastBar[Int(instrument)]
                matchWaiting(of: instrument, at: bar.header.ts_ns, emit: emit) { order in
                    order.closesPosition ? (bar.close, true, nil) : nil
                }
            }
        }
        restateLastStep()
    }

    /// Matches the waiting orders of `instrument`, oldest first: `quote` gives an order's fill
    /// price, whether it fills like a market order, and the quantity available (nil: all);
    /// `consumed` learns what each fill took (buy or sell, quantity). One pass: the orders that
    /// stay are moved down over those that went, so n orders cost O(n), not O(n²).
    private func matchWaiting(
        of instrument: UInt32, at time: Int64, emit: Sink,
        quote: (inout VenueOrder) -> (price: Double, marketLike: Bool, available: Double?)?,
        consumed: (Bool, Double) -> Void = { _, _ in }
    ) {
        var kept = 0
        defer { waiting.removeLast(waiting.count - kept) }
        for index in waiting.indices {
            var order = waiting[index]
            guard order.instrument == instrument else {
                waiting[kept] = order
                kept += 1
                continue
            }
            let first = !order.evaluated
            order.evaluated = true
            if order.intent.time_in_force == TRELLIS_TIF_DAY, VenueOrder.day(of: time) != order.submittedDay {
                waitingCount[Int(instrument)] -= 1
                expire(order, reason: "a day order, and the day is over", now: time, emit: emit)
                continue
            }
            let immediate = order.intent.time_in_force == TRELLIS_TIF_IOC || order.intent.time_in_force == TRELLIS_TIF_FOK
            guard let (price, marketLike, available) = quote(&order) else {
                if immediate && first {
                    waitingCount[Int(instrument)] -= 1
                    expire(order, reason: "not fillable at once (immediate or cancel / fill or kill)", now: time, emit: emit)
                } else {
                    waiting[kept] = order
                    kept += 1
                }
                continue
            }
            let before = order.filled
            let finished = execute(&order, price: price, marketLike: marketLike, available: available, time: time, emit: emit)
            let filled = order.filled - before
            if filled > 0 { consumed(order.isBuy, filled) }
            if finished {
                waitingCount[Int(instrument)] -= 1
            } else {
                waiting[kept] = order
                kept += 1
            }
        }
    }

    /// The price a bar gives `order`, or nil when the bar does not reach it. A stop is reached at
    /// the high (buy) or low (sell) and fills at the stop, or at the open when the bar opened
    /// beyond it; a limit at the low (buy) or high (sell) fills at the limit, or the open when
    /// better. When a stop-limit's stop and limit are both reached in its trigger bar and the
    /// limit lies beyond the stop, the limit waits for the next bar (it may have come first).
    private func price(of order: inout VenueOrder, in bar: trellis_bar) -> (price: Double, marketLike: Bool)? {
        var stopHit: Double?
        if order.hasStop && !order.triggered {
            let stop = order.intent.stop_price
            guard order.isBuy ? bar.high >= stop : bar.low <= stop else { return nil }
            order.triggered = true
            stopHit = stop
        }
        if order.hasLimit {
            let limit = order.intent.limit_price
            let reached = order.isBuy ? bar.low <= limit : bar.high >= limit
            let maybeBeforeStop = stopHit.map { order.isBuy ? limit <= $0 : limit >= $0 } ?? false
            guard reached && !maybeBeforeStop else { return nil }
            return (order.isBuy ? min(stopHit ?? bar.open, limit) : max(stopHit ?? bar.open, limit), false)
        }
        guard let stopHit else { return (bar.open, true) }
        return (order.isBuy ? max(bar.open, stopHit) : min(bar.open, stopHit), true)
    }

    /// The price a trade print or a quote gives `order` (`buy` is what a buyer pays, `sell` what
    /// a seller gets), or nil when it does not reach the order.
    private func price(of order: inout VenueOrder, buy: Double, sell: Double) -> (price: Double, marketLike: Bool)? {
        let market = order.isBuy ? buy : sell
        if order.hasStop && !order.triggered {
            guard order.isBuy ? market >= order.intent.stop_price : market <= order.intent.stop_price else { return nil }
            order.triggered = true
        }
        if order.hasLimit {
            let limit = order.intent.limit_price
            guard order.isBuy ? market <= limit : market >= limit else { return nil }
            return (limit, false)
        }
        return (market, true)
    }

    func expire(_ order: VenueOrder, reason: String, now: Int64, emit: Sink) {
        emitUpdate(
            for: order.intent, status: TRELLIS_ORDER_EXPIRED, filled: order.filled, average: order.averagePrice,
            code: TRELLIS_REASON_EXPIRED, reason: reason, now: now, emit: emit)
    }
}
