import CTrellis

/// The venue of backtests: fills order intents against the market data the engine replays, and
/// keeps the account (cash, positions, commission) and one sub-ledger per originating node.
///
/// Semantics are in docs/venue.md: market orders fill at the next bar's open (or, with
/// `fill: close`, at the close of the bar they were placed on); limit and stop orders trigger on a
/// bar's high and low, and a stop gapped through fills at the open; trades and quotes fill against
/// their size; orders are sized at the fill price, in whole lots; an order the account cannot pay
/// for is rejected.
final class SimulatedVenue {
    let settings: GraphSpec.VenueSettings
    let instruments: InstrumentTable
    /// Node names by id, for trade listings.
    let nodeNames: [String]

    // What every bar or timestamp touches lives behind `let` pointers: no reference counting and
    // no exclusivity checks on the event path. Orders and fills use ordinary properties.

    /// Per instrument (index = id): last price, current bar index, number of waiting orders, the
    /// account's holding, and the last bar (for settling at the end).
    let lastPrice: UnsafeMutablePointer<Double>
    let barIndex: UnsafeMutablePointer<Int>
    let waitingCount: UnsafeMutablePointer<Int>
    let account: UnsafeMutablePointer<Holding>
    let lastBar: UnsafeMutablePointer<trellis_bar>
    /// Cash, and the instruments the account holds (`held[0..<book.heldCount]`).
    let book: UnsafeMutablePointer<Book>
    let held: UnsafeMutablePointer<UInt32>
    /// Equity after each timestamp (`book.steps` of them): the timestamp (a bar's end), the open
    /// time of the bar that ended then (the data's own time index), and the equity.
    let curveTimes: UnsafeMutablePointer<Int64>
    let curveOpenTimes: UnsafeMutablePointer<Int64>
    let curveValues: UnsafeMutablePointer<Double>

    struct Book {
        var cash: Double
        var heldCount = 0
        var steps = 0
        /// Set once the data has ended and the venue settles.
        var settling = false
    }

    var nodeHoldings: [[Holding]]
    var trades = TradeBook()
    var waiting: [VenueOrder] = []
    private let stepCapacity: Int
    private let thinsCurve: Bool
    /// Record every `curveStride`-th step (it doubles each time the curve is thinned), counting with `strideCount`.
    private var curveStride = 1
    private var strideCount = 0

    typealias Sink = (UnsafeRawPointer, Int) -> Void

    /// `thinsCurve`: a long run keeps at most `expectedSteps` equity points, thinning older ones
    /// evenly (every other one) when full; otherwise steps past `expectedSteps` are not recorded.
    init(settings: GraphSpec.VenueSettings, instruments: InstrumentTable, nodeNames: [String], expectedSteps: Int, thinsCurve: Bool = false) {
        self.thinsCurve = thinsCurve
        self.settings = settings
        self.instruments = instruments
        self.nodeNames = nodeNames
        let slots = instruments.capacity + 1
        lastPrice = .allocate(capacity: slots)
        lastPrice.initialize(repeating: .nan, count: slots)
        barIndex = .allocate(capacity: slots)
        barIndex.initialize(repeating: -1, count: slots)
        waitingCount = .allocate(capacity: slots)
        waitingCount.initialize(repeating: 0, count: slots)
        account = .allocate(capacity: slots)
        account.initialize(repeating: Holding(), count: slots)
        lastBar = .allocate(capacity: slots)
        lastBar.initialize(repeating: trellis_bar(), count: slots)
        held = .allocate(capacity: slots)
        book = .allocate(capacity: 1)
        book.initialize(to: Book(cash: settings.cash))
        stepCapacity = max(expectedSteps, 1)
        curveTimes = HugePages.allocate(byteCount: stepCapacity * 8).bindMemory(to: Int64.self, capacity: stepCapacity)
        curveOpenTimes = HugePages.allocate(byteCount: stepCapacity * 8).bindMemory(to: Int64.self, capacity: stepCapacity)
        curveValues = HugePages.allocate(byteCount: stepCapacity * 8).bindMemory(to: Double.self, capacity: stepCapacity)
        nodeHoldings = Array(repeating: Array(repeating: Holding(), count: slots), count: nodeNames.count)
    }

    deinit {
        lastPrice.deallocate()
        barIndex.deallocate()
        waitingCount.deallocate()
        account.deallocate()
        lastBar.deallocate()
        held.deallocate()
        book.deallocate()
        for curve in [UnsafeMutableRawPointer(curveTimes), UnsafeMutableRawPointer(curveOpenTimes), UnsafeMutableRawPointer(curveValues)] {
            HugePages.deallocate(curve, byteCount: stepCapacity * 8)
        }
    }

    var cash: Double { book.pointee.cash }
    var equityTimes: [Int64] { Array(UnsafeBufferPointer(start: curveTimes, count: book.pointee.steps)) }
    var equityOpenTimes: [Int64] { Array(UnsafeBufferPointer(start: curveOpenTimes, count: book.pointee.steps)) }
    var equityValues: [Double] { Array(UnsafeBufferPointer(start: curveValues, count: book.pointee.steps)) }

    /// Called for each market event before any node sees it: fills what is due at this event,
    /// then takes its price as the instrument's last price.
    @inline(__always)
    func onMarketEvent(_ event: UnsafePointer<trellis_event_header>, emit: Sink) {
        let instrument = Int(event.pointee.instrument)
        switch Int32(event.pointee.type) {
        case TRELLIS_EVENT_BAR:
            let bar = UnsafeRawPointer(event).assumingMemoryBound(to: trellis_bar.self)
            barIndex[instrument] += 1
            if waitingCount[instrument] > 0 { matchBar(bar.pointee, emit: emit) }
            lastPrice[instrument] = bar.pointee.close
            lastBar[instrument] = bar.pointee
        case TRELLIS_EVENT_TRADE:
            let trade = UnsafeRawPointer(event).load(as: trellis_trade.self)
            if waitingCount[instrument] > 0 { matchTrade(trade, emit: emit) }
            lastPrice[instrument] = trade.price
        case TRELLIS_EVENT_QUOTE:
            let quote = UnsafeRawPointer(event).load(as: trellis_quote.self)
            if waitingCount[instrument] > 0 { matchQuote(quote, emit: emit) }
            lastPrice[instrument] = (quote.bid + quote.ask) / 2
        default:
            break
        }
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

    /// The account's cash, equity (at the last prices), realised profit and commission paid.
    var balances: (cash: Double, equity: Double, realized: Double, commission: Double) {
        var realized = 0.0, commission = 0.0
        for instrument in 1..<max(1, instruments.count + 1) {
            realized += account[instrument].realized
            commission += account[instrument].commission
        }
        return (book.pointee.cash, equity, realized, commission)
    }

    /// Records the equity at the end of a timestamp (one per distinct timestamp of the tape);
    /// `openTime` is when the bars that ended then began.
    @inline(__always)
    func closeStep(at time: Int64, openTime: Int64) {
        var step = book.pointee.steps
        if thinsCurve {
            strideCount += 1
            guard strideCount >= curveStride else { return }
            strideCount = 0
            if step == stepCapacity {
                thinCurve()
                step = book.pointee.steps
            }
        }
        guard step < stepCapacity else { return }
        curveTimes[step] = time
        curveOpenTimes[step] = openTime
        curveValues[step] = equity
        book.pointee.steps = step + 1
    }

    /// Keeps every other point of a full curve, and from now on every other step.
    private func thinCurve() {
        let kept = stepCapacity / 2
        for index in 0..<kept {
            curveTimes[index] = curveTimes[index * 2 + 1]
            curveOpenTimes[index] = curveOpenTimes[index * 2 + 1]
            curveValues[index] = curveValues[index * 2 + 1]
        }
        book.pointee.steps = kept
        curveStride *= 2
    }

    /// Records the equity again for the last timestamp, after settling at the end.
    func restateLastStep() {
        guard book.pointee.steps > 0 else { return }
        curveValues[book.pointee.steps - 1] = equity
    }

    /// The net position of node `origin` in `instrument`.
    func position(node origin: UInt32, instrument: UInt32) -> Double {
        Int(origin) < nodeHoldings.count ? nodeHoldings[Int(origin)][Int(instrument)].quantity : 0
    }

    /// Takes an order intent that reached the venue: rejects it with the reason, fills it at once
    /// (a market order with `fill: close`), or accepts it to wait for the market.
    func submit(_ intent: trellis_order, now: Int64, emit: Sink) {
        if let (code, reason) = rejection(of: intent) {
            emitUpdate(for: intent, status: TRELLIS_ORDER_REJECTED, code: code, reason: reason, now: now, emit: emit)
            return
        }
        var order = VenueOrder(intent: intent, submittedAt: now)
        emitUpdate(for: intent, status: TRELLIS_ORDER_ACCEPTED, now: now, emit: emit)
        let instrument = Int(intent.header.instrument)
        if settings.fill == .close, order.isMarketLike, !order.hasStop, barIndex[instrument] >= 0 {
            order.evaluated = true
            _ = execute(&order, price: lastPrice[instrument], marketLike: true, available: nil, time: now, emit: emit)
            return
        }
        waiting.append(order)
        waitingCount[instrument] += 1
    }

    /// Cancels node `origin`'s waiting order `orderID`.
    func cancel(
        _ intent: trellis_order, now: Int64, code: Int32 = TRELLIS_REASON_CANCELED, reason: String = "canceled by its node", reporter: UInt32 = 0,
        emit: Sink
    ) {
        guard let index = waiting.firstIndex(where: { $0.intent.origin == intent.origin && $0.intent.order_id == intent.order_id }) else {
            emitUpdate(
                for: intent, status: TRELLIS_ORDER_REJECTED, code: TRELLIS_REASON_INVALID, reason: "cancel: no open order \(intent.order_id)",
                now: now, emit: emit)
            return
        }
        let order = removeWaiting(at: index)
        emitUpdate(
            for: order.intent, status: TRELLIS_ORDER_CANCELED, filled: order.filled, average: order.averagePrice,
            code: code, reason: reason, reporter: reporter, now: now, emit: emit)
    }

    /// Whether node `origin`'s order `orderID` rests at the venue.
    func isWaiting(origin: UInt32, orderID: UInt64) -> Bool {
        waiting.contains { $0.intent.origin == origin && $0.intent.order_id == orderID }
    }

    /// Expires every order still waiting: no market event is left to fill it.
    func expireAll(now: Int64, emit: Sink) {
        let orders = waiting
        waiting.removeAll()
        for order in orders {
            waitingCount[Int(order.instrument)] -= 1
            emitUpdate(
                for: order.intent, status: TRELLIS_ORDER_EXPIRED, filled: order.filled, average: order.averagePrice,
                code: TRELLIS_REASON_DATA_ENDED, reason: "the data ended before it could fill", now: now, emit: emit)
        }
    }

    func removeWaiting(at index: Int) -> VenueOrder {
        let order = waiting.remove(at: index)
        waitingCount[Int(order.instrument)] -= 1
        return order
    }

    /// Why the venue refuses `order` on arrival (reason code and text), or nil. The engine has
    /// already refused values it does not know.
    private func rejection(of order: trellis_order) -> (Int32, String)? {
        guard order.header.instrument >= 1, Int(order.header.instrument) <= instruments.count else {
            return (TRELLIS_REASON_INVALID, "unknown instrument \(order.header.instrument)")
        }
        let closes = order.order_flags & UInt32(TRELLIS_ORDER_FLAG_CLOSE_POSITION) != 0
        guard closes || (order.quantity.isFinite && order.quantity > 0) else {
            return (TRELLIS_REASON_INVALID, "quantity must be positive, not \(order.quantity)")
        }
        if order.size_mode == TRELLIS_SIZE_EQUITY, !closes, order.quantity > 1 {
            return (TRELLIS_REASON_INVALID, "an equity-sized order takes a fraction in (0, 1], not \(order.quantity)")
        }
        let needsLimit = order.order_type == TRELLIS_ORDER_LIMIT || order.order_type == TRELLIS_ORDER_STOP_LIMIT
        let needsStop = order.order_type == TRELLIS_ORDER_STOP || order.order_type == TRELLIS_ORDER_STOP_LIMIT
        if needsLimit, !(order.limit_price.isFinite && order.limit_price > 0) {
            return (TRELLIS_REASON_INVALID, "a limit order needs a positive limit_price, not \(order.limit_price)")
        }
        if needsStop, !(order.stop_price.isFinite && order.stop_price > 0) {
            return (TRELLIS_REASON_INVALID, "a stop order needs a positive stop_price, not \(order.stop_price)")
        }
        let tick = instruments.tickSize(order.header.instrument)
        for (name, price, used) in [("limit_price", order.limit_price, needsLimit), ("stop_price", order.stop_price, needsStop)] where used {
            if !onTick(price, tick) { return (TRELLIS_REASON_INVALID, "\(name) \(price) is not a multiple of the tick size \(tick)") }
        }
        return nil
    }

    private func onTick(_ price: Double, _ tick: Double) -> Bool {
        guard tick > 0 else { return true }
        let ticks = price / tick
        return abs(ticks - ticks.rounded()) < 1e-6
    }
}

extension SimulatedVenue {
    /// The account's position in every instrument it traded, then each node's, at the last prices.
    func positions() -> [RunResult.Position] {
        func report(_ holding: Holding, node: String?, instrument: Int) -> RunResult.Position {
            let last = lastPrice[instrument]
            return RunResult.Position(
                node: node, symbol: instruments.symbol(UInt32(instrument)), quantity: holding.quantity, averagePrice: holding.averagePrice,
                lastPrice: last, realizedProfit: holding.realized, unrealizedProfit: last.isFinite ? holding.unrealized(at: last) : 0,
                commission: holding.commission)
        }
        let traded = { (holding: Holding) in holding.quantity != 0 || holding.commission != 0 || holding.realized != 0 }
        let count = instruments.count
        var positions = (0...count).filter { $0 > 0 && traded(account[$0]) }.map { report(account[$0], node: nil, instrument: $0) }
        for (node, holdings) in nodeHoldings.enumerated() {
            for instrument in 1..<max(holdings.count, 1) where traded(holdings[instrument]) {
                positions.append(report(holdings[instrument], node: nodeNames[node], instrument: instrument))
            }
        }
        return positions
    }
}
