import CTrellis

/// The venue of backtests: fills order intents against the market data the engine replays, and
/// keeps the account (cash, positions, commission) and one sub-ledger per originating node.
///
/// Semantics (docs/venue.md): a market order fills at the open of the next bar of its instrument
/// (stamped with that bar's open time);
/// commission is a fraction of each fill's notional; an order sized by equity or notional is
/// sized at its fill price, in whole lots; an order the account cannot pay for is rejected.
final class SimulatedVenue {
    let settings: GraphSpec.VenueSettings
    let instruments: InstrumentTable
    /// Node names by id, for trade listings.
    let nodeNames: [String]

    // What every bar or timestamp touches lives behind `let` pointers: no reference counting and
    // no exclusivity checks on the event path. Orders and fills use ordinary properties.

    /// Per instrument (index = id): last price, current bar index, number of waiting orders, and
    /// the account's holding.
    let lastPrice: UnsafeMutablePointer<Double>
    let barIndex: UnsafeMutablePointer<Int>
    let waitingCount: UnsafeMutablePointer<Int>
    let account: UnsafeMutablePointer<Holding>
    /// Cash, and the instruments the account holds (`held[0..<book.heldCount]`).
    let book: UnsafeMutablePointer<Book>
    let held: UnsafeMutablePointer<UInt32>
    /// Equity after each timestamp (`book.steps` of them).
    let curveTimes: UnsafeMutablePointer<Int64>
    let curveValues: UnsafeMutablePointer<Double>

    struct Book {
        var cash: Double
        var heldCount = 0
        var steps = 0
    }

    private(set) var nodeHoldings: [[Holding]]
    private(set) var trades = TradeBook()
    private var waiting: [VenueOrder] = []
    private let stepCapacity: Int

    typealias Sink = (UnsafeRawPointer, Int) -> Void

    init(settings: GraphSpec.VenueSettings, instruments: InstrumentTable, nodeNames: [String], expectedSteps: Int) {
        self.settings = settings
        self.instruments = instruments
        self.nodeNames = nodeNames
        let slots = instruments.count + 1
        lastPrice = .allocate(capacity: slots)
        lastPrice.initialize(repeating: .nan, count: slots)
        barIndex = .allocate(capacity: slots)
        barIndex.initialize(repeating: -1, count: slots)
        waitingCount = .allocate(capacity: slots)
        waitingCount.initialize(repeating: 0, count: slots)
        account = .allocate(capacity: slots)
        account.initialize(repeating: Holding(), count: slots)
        held = .allocate(capacity: slots)
        book = .allocate(capacity: 1)
        book.initialize(to: Book(cash: settings.cash))
        stepCapacity = max(expectedSteps, 1)
        curveTimes = .allocate(capacity: stepCapacity)
        curveValues = .allocate(capacity: stepCapacity)
        nodeHoldings = Array(repeating: Array(repeating: Holding(), count: slots), count: nodeNames.count)
    }

    deinit {
        lastPrice.deallocate()
        barIndex.deallocate()
        waitingCount.deallocate()
        account.deallocate()
        held.deallocate()
        book.deallocate()
        curveTimes.deallocate()
        curveValues.deallocate()
    }

    var cash: Double { book.pointee.cash }
    var equityTimes: [Int64] { Array(UnsafeBufferPointer(start: curveTimes, count: book.pointee.steps)) }
    var equityValues: [Double] { Array(UnsafeBufferPointer(start: curveValues, count: book.pointee.steps)) }

    /// Called for each market event before any node sees it: fills what is due at this event,
    /// then takes its price as the instrument's last price.
    @inline(__always)
    func onMarketEvent(_ event: UnsafePointer<trellis_event_header>, emit: Sink) {
        let instrument = Int(event.pointee.instrument)
        guard event.pointee.type == UInt16(TRELLIS_EVENT_BAR) else { return }
        barIndex[instrument] += 1
        let bar = UnsafeRawPointer(event).assumingMemoryBound(to: trellis_bar.self)
        if waitingCount[instrument] > 0 { fillWaiting(instrument: UInt32(instrument), bar: bar.pointee, emit: emit) }
        lastPrice[instrument] = bar.pointee.close
    }

    /// Account equity: cash plus every position at its last price.
    var equity: Double {
        var total = book.pointee.cash
        for index in 0..<book.pointee.heldCount {
            let instrument = Int(held[index])
            total += account[instrument].quantity * lastPrice[instrument]
        }
        return total
    }

    /// Records the equity at the end of a timestamp (one per distinct timestamp of the tape).
    @inline(__always)
    func closeStep(at time: Int64) {
        let step = book.pointee.steps
        guard step < stepCapacity else { return }
        curveTimes[step] = time
        curveValues[step] = equity
        book.pointee.steps = step + 1
    }

    /// The net position of node `origin` in `instrument`.
    func position(node origin: UInt32, instrument: UInt32) -> Double {
        Int(origin) < nodeHoldings.count ? nodeHoldings[Int(origin)][Int(instrument)].quantity : 0
    }

    /// Takes an order intent that reached the venue: accepts it (it then waits for the next bar)
    /// or rejects it with the reason.
    func submit(_ order: trellis_order, now: Int64, emit: Sink) {
        if let (code, reason) = rejection(of: order) {
            emitUpdate(for: order, status: TRELLIS_ORDER_REJECTED, code: code, reason: reason, now: now, emit: emit)
            return
        }
        let venueOrder = VenueOrder(intent: order, submittedAt: now)
        emitUpdate(for: order, status: TRELLIS_ORDER_ACCEPTED, now: now, emit: emit)
        waiting.append(venueOrder)
        waitingCount[Int(order.header.instrument)] += 1
    }

    /// Cancels node `origin`'s waiting order `orderID`.
    func cancel(_ intent: trellis_order, now: Int64, emit: Sink) {
        guard let index = waiting.firstIndex(where: { $0.intent.origin == intent.origin && $0.intent.order_id == intent.order_id }) else {
            emitUpdate(
                for: intent, status: TRELLIS_ORDER_REJECTED, code: TRELLIS_REASON_INVALID, reason: "cancel: no open order \(intent.order_id)", now: now,
                emit: emit)
            return
        }
        let order = waiting.remove(at: index)
        waitingCount[Int(order.intent.header.instrument)] -= 1
        emitUpdate(for: order.intent, status: TRELLIS_ORDER_CANCELED, code: TRELLIS_REASON_CANCELED, reason: "canceled by its node", now: now, emit: emit)
    }

    /// Ends the run: orders still waiting expire, as no bar is left to fill them.
    func finish(now: Int64, emit: Sink) {
        for order in waiting {
            emitUpdate(
                for: order.intent, status: TRELLIS_ORDER_EXPIRED, code: TRELLIS_REASON_DATA_ENDED, reason: "the data ended before a bar could fill it",
                now: now, emit: emit)
        }
        waiting.removeAll()
        for index in 0...instruments.count { waitingCount[index] = 0 }
    }

    /// Why the venue refuses `order` on arrival (reason code and text), or nil. The engine has
    /// already refused values it does not know.
    private func rejection(of order: trellis_order) -> (Int32, String)? {
        guard order.header.instrument >= 1, Int(order.header.instrument) <= instruments.count else {
            return (TRELLIS_REASON_INVALID, "unknown instrument \(order.header.instrument)")
        }
        guard order.order_type == TRELLIS_ORDER_MARKET else {
            return (TRELLIS_REASON_UNSUPPORTED, "the simulated venue takes market orders only in this version")
        }
        let closes = order.order_flags & UInt32(TRELLIS_ORDER_FLAG_CLOSE_POSITION) != 0
        guard closes || (order.quantity.isFinite && order.quantity > 0) else {
            return (TRELLIS_REASON_INVALID, "quantity must be positive, not \(order.quantity)")
        }
        if order.size_mode == TRELLIS_SIZE_EQUITY, !closes, order.quantity > 1 {
            return (TRELLIS_REASON_INVALID, "an equity-sized order takes a fraction in (0, 1], not \(order.quantity)")
        }
        return nil
    }

    private func fillWaiting(instrument: UInt32, bar: trellis_bar, emit: Sink) {
        var index = 0
        while index < waiting.count {
            guard waiting[index].intent.header.instrument == instrument else {
                index += 1
                continue
            }
            let order = waiting.remove(at: index)
            waitingCount[Int(instrument)] -= 1
            execute(order, price: bar.open, time: bar.header.ts_ns - bar.period_ns, emit: emit)
        }
    }

    /// Sizes and fills `order` at `price`, or rejects it.
    private func execute(_ order: VenueOrder, price: Double, time: Int64, emit: Sink) {
        let intent = order.intent
        let instrument = Int(intent.header.instrument)
        let side = Double(intent.side)
        let lot = instruments.lotSize(intent.header.instrument)
        let held = nodeHoldings[Int(intent.origin)][instrument].quantity
        let reduces = held != 0 && (held > 0) != (side > 0)
        var quantity: Double
        if intent.order_flags & UInt32(TRELLIS_ORDER_FLAG_CLOSE_POSITION) != 0 {
            guard reduces else {
                emitUpdate(for: intent, status: TRELLIS_ORDER_CANCELED, code: TRELLIS_REASON_NO_POSITION, reason: "no position to close", now: time, emit: emit)
                return
            }
            quantity = abs(held)
        } else {
            switch intent.size_mode {
            case TRELLIS_SIZE_EQUITY: quantity = wholeLots(equity * intent.quantity / (price * (1 + settings.commission)), lot: lot)
            case TRELLIS_SIZE_NOTIONAL: quantity = wholeLots(intent.quantity / (price * (1 + settings.commission)), lot: lot)
            default: quantity = wholeLots(intent.quantity, lot: lot, tolerance: 1e-9)
            }
        }
        if intent.order_flags & UInt32(TRELLIS_ORDER_FLAG_REDUCE_ONLY) != 0 {
            guard reduces else {
                let reason = held == 0 ? "reduce-only: no position to reduce" : "reduce-only: it would increase the position"
                emitUpdate(for: intent, status: TRELLIS_ORDER_CANCELED, code: TRELLIS_REASON_NO_POSITION, reason: reason, now: time, emit: emit)
                return
            }
            quantity = min(quantity, abs(held))
        }
        guard quantity > 0 else {
            emitUpdate(
                for: intent, status: TRELLIS_ORDER_REJECTED, code: TRELLIS_REASON_ZERO_SIZE, reason: "the order sizes to zero lots at \(price)", now: time,
                emit: emit)
            return
        }
        let fee = quantity * price * settings.commission
        if let reason = unaffordable(instrument: instrument, signedQuantity: side * quantity, price: price, fee: fee) {
            emitUpdate(for: intent, status: TRELLIS_ORDER_REJECTED, code: TRELLIS_REASON_INSUFFICIENT_FUNDS, reason: reason, now: time, emit: emit)
            return
        }
        applyFill(intent, quantity: quantity, price: price, fee: fee, time: time, emit: emit)
    }

    /// Why a fill would overdraw the account (gross exposure above equity), or nil.
    private func unaffordable(instrument: Int, signedQuantity: Double, price: Double, fee: Double) -> String? {
        let before = account[instrument].quantity
        let after = before + signedQuantity
        guard abs(after) > abs(before) + Holding.dust else { return nil }
        var exposure = abs(after) * price
        for index in 0..<book.pointee.heldCount where Int(held[index]) != instrument {
            exposure += abs(account[Int(held[index])].quantity) * lastPrice[Int(held[index])]
        }
        let available = equity - fee
        guard exposure > available * (1 + 1e-12) else { return nil }
        return "insufficient funds: needs \(format(exposure + fee)), equity is \(format(equity))"
    }

    private func applyFill(_ intent: trellis_order, quantity: Double, price: Double, fee: Double, time: Int64, emit: Sink) {
        let instrument = Int(intent.header.instrument)
        let signed = Double(intent.side) * quantity
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
        nodeHoldings[Int(intent.origin)][instrument].apply(signed, at: price, commission: fee)
        trades.record(
            node: intent.origin, nodeName: nodeNames[Int(intent.origin)], instrument: UInt32(instrument),
            symbol: instruments.symbol(UInt32(instrument)), signedQuantity: signed, price: price, commission: fee,
            time: time, bar: barIndex[instrument])
        var fill = trellis_fill()
        fill.header = trellis_event_header(
            size: UInt32(MemoryLayout<trellis_fill>.size), type: UInt16(TRELLIS_EVENT_FILL), flags: 0, ts_ns: time, instrument: UInt32(instrument), source: 0)
        fill.order_id = intent.order_id
        fill.origin = intent.origin
        fill.side = intent.side
        fill.quantity = quantity
        fill.price = price
        fill.commission = fee
        fill.position = nodeHoldings[Int(intent.origin)][instrument].quantity
        withUnsafePointer(to: fill) { emit(UnsafeRawPointer($0), MemoryLayout<trellis_fill>.size) }
        emitUpdate(for: intent, status: TRELLIS_ORDER_FILLED, filled: quantity, average: price, now: time, emit: emit)
    }

    private func emitUpdate(
        for intent: trellis_order, status: Int32, filled: Double = 0, average: Double = 0, code: Int32 = TRELLIS_REASON_NONE,
        reason: String = "", now: Int64, emit: Sink
    ) {
        var update = trellis_order_update()
        update.header = trellis_event_header(
            size: UInt32(MemoryLayout<trellis_order_update>.size), type: UInt16(TRELLIS_EVENT_ORDER_UPDATE), flags: 0, ts_ns: now,
            instrument: intent.header.instrument, source: 0)
        update.order_id = intent.order_id
        update.origin = intent.origin
        update.status = status
        update.side = intent.side
        update.quantity = filled > 0 ? filled : statedQuantity(intent)
        update.filled_quantity = filled
        update.average_price = average
        update.reason_code = code
        writeFixed(reason, into: &update.reason)
        withUnsafePointer(to: update) { emit(UnsafeRawPointer($0), MemoryLayout<trellis_order_update>.size) }
    }

    /// The quantity an order states before it is sized: units as given; 0 for orders sized at the
    /// fill (equity, notional, close position), whose quantity field means something else.
    private func statedQuantity(_ intent: trellis_order) -> Double {
        let closes = intent.order_flags & UInt32(TRELLIS_ORDER_FLAG_CLOSE_POSITION) != 0
        return intent.size_mode == TRELLIS_SIZE_UNITS && !closes ? intent.quantity : 0
    }

    /// `quantity` rounded down to whole lots; `tolerance` (in lots) absorbs binary fractions such
    /// as 0.3 / 0.1 = 2.9999999999999996 for quantities the user wrote.
    private func wholeLots(_ quantity: Double, lot: Double, tolerance: Double = 0) -> Double {
        guard lot > 0 else { return quantity }
        return (quantity / lot + tolerance).rounded(.down) * lot
    }

    private func format(_ value: Double) -> String {
        let cents = (value * 100).rounded() / 100
        return "\(cents)"
    }
}

/// An order waiting at the venue.
struct VenueOrder {
    var intent: trellis_order
    var submittedAt: Int64
}
