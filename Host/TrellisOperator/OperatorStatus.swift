/// A snapshot of a running host, as the engine publishes it a few times per second.
///
/// Every field is a plain value, so that a snapshot is cheap to copy under a lock, encodes to
/// the JSON of `GET /status` and renders into the status page. Times are nanoseconds since the
/// Unix epoch; money is in `currency`.
public struct OperatorStatus: Codable, Sendable, Equatable {
    /// The run's id, as the journal knows it.
    public var runID: String
    /// `"paper"` or `"live"`.
    public var mode: String
    /// True when orders reach a real account: the page says REAL MONEY in red.
    public var realMoney: Bool
    /// The strategy graph's name (its file name, usually).
    public var graph: String
    /// When the run started.
    public var startedAt: Int64
    /// When the engine made this snapshot.
    public var updatedAt: Int64
    /// `"warming-up"`, `"running"`, `"halted"`, `"stopping"` or `"stopped"`.
    public var state: String
    /// Why the host halted, when `state` is `"halted"`.
    public var haltReason: String?
    /// The account's currency, e.g. `"USD"`.
    public var currency: String
    /// Equity when the run started.
    public var startingEquity: Double
    /// Cash plus every position at its last price.
    public var equity: Double
    /// Cash.
    public var cash: Double
    /// P&L of closed quantity, after commission.
    public var realizedPnL: Double
    /// P&L of open positions at their last price.
    public var unrealizedPnL: Double
    /// Open positions, one per node and symbol.
    public var positions: [Position]
    /// Orders that are not done yet.
    public var openOrders: [Order]
    /// The hard limits and how close the run is to each.
    public var limits: [Limit]
    /// The last errors (the engine keeps 50), oldest first.
    public var errors: [ErrorLine]
    /// The shadow testers' latest verdicts.
    public var verdicts: [Verdict]
    /// Events the engine processed.
    public var events: Int
    /// Events waiting in the engine's queue.
    public var queueDepth: Int
    /// Orders sent since the start.
    public var orders: Int
    /// Fills received since the start.
    public var fills: Int

    /// A snapshot; every argument has a default, so `OperatorStatus()` is an empty paper run.
    public init(
        runID: String = "", mode: String = "paper", realMoney: Bool = false, graph: String = "", startedAt: Int64 = 0, updatedAt: Int64 = 0,
        state: String = "warming-up", haltReason: String? = nil, currency: String = "USD", startingEquity: Double = 0, equity: Double = 0,
        cash: Double = 0, realizedPnL: Double = 0, unrealizedPnL: Double = 0, positions: [Position] = [], openOrders: [Order] = [],
        limits: [Limit] = [], errors: [ErrorLine] = [], verdicts: [Verdict] = [], events: Int = 0, queueDepth: Int = 0, orders: Int = 0,
        fills: Int = 0
    ) {
        self.runID = runID
        self.mode = mode
        self.realMoney = realMoney
        self.graph = graph
        self.startedAt = startedAt
        self.updatedAt = updatedAt
        self.state = state
        self.haltReason = haltReason
        self.currency = currency
        self.startingEquity = startingEquity
        self.equity = equity
        self.cash = cash
        self.realizedPnL = realizedPnL
        self.unrealizedPnL = unrealizedPnL
        self.positions = positions
        self.openOrders = openOrders
        self.limits = limits
        self.errors = errors
        self.verdicts = verdicts
        self.events = events
        self.queueDepth = queueDepth
        self.orders = orders
        self.fills = fills
    }

    /// True for a live run, whatever the case of `mode`.
    public var isLive: Bool { mode.lowercased() == "live" }
}
