import CTrellis

/// The host's hard limits (docs/limits.md), between the last risk node and the venue: no plugin
/// can get around them. An order that breaks one is denied with the reason; a loss beyond the
/// daily limit halts the host, which then denies every new order, and says why.
public struct HardLimits: Sendable {
    let settings: GraphSpec.LimitSettings
    /// Why the host halted, once it has.
    private(set) var halt: String?
    /// Times of the orders sent to the venue, oldest first; those before `recentStart` are more
    /// than a second old.
    private var recent: [Int64] = []
    private var recentStart = 0
    private var day = Int64.min
    /// The equity when the day began: at the close of the last step before it.
    private var dayStartEquity = 0.0
    private var lastEquity: Double?

    public init(_ settings: GraphSpec.LimitSettings) { self.settings = settings }

    /// Whether orders need checking: some limit is set, or the host is halted.
    var isActive: Bool { halt != nil || !settings.isEmpty }

    /// Whether the equity must be followed step by step (a daily loss limit is set).
    var watchesEquity: Bool { settings.maxDailyLoss != nil || settings.maxDailyLossPercent != nil }

    /// The market as a check sees it: the last price, the account's position, what rests at the
    /// venue on each side (units), and the equity.
    public struct Market: Sendable {
        public var lastPrice: Double
        public var position: Double
        public var restingBuys: Double
        public var restingSells: Double
        public var equity: Double

        public init(lastPrice: Double, position: Double, restingBuys: Double = 0, restingSells: Double = 0, equity: Double) {
            (self.lastPrice, self.position, self.restingBuys, self.restingSells, self.equity) = (lastPrice, position, restingBuys, restingSells, equity)
        }
    }

    /// Why `order` may not go to the venue at `now`, or nil; an order that passes counts
    /// towards the rate. Fails closed: a limit that cannot be evaluated (no last price yet, NaN
    /// anywhere) denies the order; every comparison is written so that NaN denies.
    public mutating func check(_ order: trellis_order, market: Market, now: Int64) -> String? {
        if let halt { return "the host is halted: \(halt)" }
        let closes = order.order_flags & UInt32(TRELLIS_ORDER_FLAG_CLOSE_POSITION) != 0
        let price = Self.referencePrice(order, last: market.lastPrice)
        let priced = price > 0 && price.isFinite
        // Why a figure a limit needs is missing, for a denial (worded only then).
        func missing() -> String { !priced ? "no last price yet" : !market.equity.isFinite ? "the equity is not a number" : "the position is not a number" }
        if !closes, settings.maxOrderNotional != nil || settings.maxPosition != nil {
            let units: Double? =
                switch order.size_mode {
                case TRELLIS_SIZE_EQUITY: priced ? order.quantity * market.equity / price : nil
                case TRELLIS_SIZE_NOTIONAL: priced ? order.quantity / price : nil
                default: order.quantity
                }
            if let limit = settings.maxOrderNotional {
                let notional: Double? =
                    switch order.size_mode {
                    case TRELLIS_SIZE_NOTIONAL: order.quantity
                    case TRELLIS_SIZE_EQUITY: order.quantity * market.equity
                    default: priced ? order.quantity * price : nil
                    }
                guard let notional, notional.isFinite else {
                    return
                        "the order's notional cannot be evaluated (\(missing())); the notional limit denies it"
                }
                if !(notional <= limit) {
                    return "order notional \(NumberFormat.grouped(notional)) exceeds the limit of \(NumberFormat.grouped(limit))"
                }
            }
            if let limit = settings.maxPosition {
                let reduceOnly = order.order_flags & UInt32(TRELLIS_ORDER_FLAG_REDUCE_ONLY) != 0
                guard let units, units.isFinite, market.position.isFinite else {
                    return
                        "the position the order could reach cannot be evaluated (\(missing())); the position limit denies it"
                }
                let buying = order.side == TRELLIS_SIDE_BUY
                let worst = buying ? market.position + market.restingBuys + units : market.position - market.restingSells - units
                if !(abs(worst) <= limit + 1e-9), !reduceOnly {
                    return
                        "the position could reach \(NumberFormat.quantity(worst)) with the orders resting; the limit is \(NumberFormat.quantity(limit)) either way"
                }
            }
        }
        if let band = settings.priceBandPercent {
            for (name, level) in [("limit", order.limit_price), ("stop", order.stop_price)] where level != 0 && Self.uses(name, order) {
                guard market.lastPrice > 0, market.lastPrice.isFinite else {
                    return "the \(name) price cannot be judged against the price band: no last price yet"
                }
                let distance = abs(level - market.lastPrice) / market.lastPrice * 100
                if !(distance <= band) {
                    return
                        "\(name) price \(level) is \(NumberFormat.grouped(distance))% from the last price \(market.lastPrice); the band is \(NumberFormat.grouped(band))%"
                }
            }
        }
        if let limit = settings.maxOrdersPerSecond {
            while recentStart < recent.count, recent[recentStart] <= now &- 1_000_000_000 { recentStart += 1 }
            if recentStart > 1024, recentStart * 2 > recent.count {
                recent.removeFirst(recentStart)
                recentStart = 0
            }
            if recent.count - recentStart >= limit { return "\(limit) orders in the last second already; the limit is \(limit) a second" }
            recent.append(now)
        }
        return nil
    }

    /// Follows the equity after each step; a loss beyond the daily limit halts the host, and so
    /// does an equity that is not a number (the loss cannot be known). Returns the reason when
    /// this step halted it.
    public mutating func observe(equity: Double, at time: Int64) -> String? {
        guard halt == nil, settings.maxDailyLoss != nil || settings.maxDailyLossPercent != nil else { return nil }
        guard equity.isFinite else {
            halt = "the equity is \(equity), so the day's loss cannot be known; the daily loss limit halts the host"
            return halt
        }
        let today = Timestamp.floorDivide(time.subtractingReportingOverflow(settings.dayStart * 1_000_000_000).partialValue, 86_400_000_000_000)
        if today != day { (day, dayStartEquity) = (today, lastEquity ?? equity) }
        lastEquity = equity
        let loss = dayStartEquity - equity
        if let limit = settings.maxDailyLoss, !(loss <= limit) {
            halt = "the day's loss \(NumberFormat.grouped(loss)) exceeds the daily limit of \(NumberFormat.grouped(limit))"
        } else if settings.maxDailyLossPercent != nil, !(dayStartEquity > 0) {
            halt =
                "the day began with an equity of \(NumberFormat.grouped(dayStartEquity)), so the day's loss in percent cannot be known; the daily loss limit halts the host"
        } else if let percent = settings.maxDailyLossPercent, !(loss / dayStartEquity * 100 <= percent) {
            halt = "the day's loss \(NumberFormat.grouped(loss / dayStartEquity * 100))% exceeds the daily limit of \(NumberFormat.grouped(percent))%"
        }
        return halt
    }

    /// Halts the host from outside (the manual kill switch).
    mutating func halt(because reason: String) { halt = halt ?? reason }

    /// The price an order's notional is judged at: its limit, else its stop, else the last price.
    static func referencePrice(_ order: trellis_order, last: Double) -> Double {
        if order.order_type == TRELLIS_ORDER_LIMIT || order.order_type == TRELLIS_ORDER_STOP_LIMIT, order.limit_price > 0 { return order.limit_price }
        if order.order_type == TRELLIS_ORDER_STOP, order.stop_price > 0 { return order.stop_price }
        return last
    }

    private static func uses(_ price: String, _ order: trellis_order) -> Bool {
        switch order.order_type {
        case TRELLIS_ORDER_LIMIT: price == "limit"
        case TRELLIS_ORDER_STOP: price == "stop"
        case TRELLIS_ORDER_STOP_LIMIT: true
        default: false
        }
    }
}
