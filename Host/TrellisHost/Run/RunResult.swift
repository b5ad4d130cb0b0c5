/// What a backtest produced, and what it was made from: trades, equity, statistics, every order
/// outcome, the fingerprint, and the hashes of the graph, the plugins and the data. The journal
/// stores it; reports read it back.
public struct RunResult: Sendable, Codable {
    /// Unique across hosts: UTC start time and random digits, e.g. 20261121-221500-3fa9c2d1.
    public var runID: String
    /// Wall-clock start, ns since the epoch.
    public var startedAt: Int64
    /// The version of trellis that ran it.
    public var hostVersion: String
    public var graphFile: String
    public var graphSHA256: String
    public var graphText: String
    public var description: String?
    public var startingCash: Double
    public var finalCash: Double
    public var finalEquity: Double
    public var currency: String
    /// Closed round trips, in the order they closed.
    public var trades: [Trade]
    /// Trades still open at the end, marked at the last price of their instrument.
    public var openTrades: [Trade]
    public var lastPrices: [String: Double]
    /// Every instrument the account traded, then each node's share, at the end.
    public var positions: [Position]
    /// SHA-256 over every order outcome and fill (see `Fingerprint`).
    public var fingerprint: String
    public var orderUpdates: Int
    public var fills: Int
    /// Market events replayed, and when the first and the last began (a bar's open time).
    public var events: Int
    public var firstTime: Int64
    public var lastTime: Int64
    /// Account equity after each timestamp (a bar's end), with the open time of that step's bars.
    /// Read back from the journal, a curve longer than `Journal.equityPoints` comes thinned.
    public var equityTimes: [Int64]
    public var equityOpenTimes: [Int64]
    public var equityValues: [Double]
    public var metrics: Metrics
    /// Each instrument's price, downsampled for charts.
    public var prices: [PriceSeries]
    public var nodes: [NodeReport]
    public var plugins: [PluginReport]
    public var feeds: [FeedReport]
    /// Every order update and fill, in order.
    public var orders: [OrderEvent]
    /// The labels of the nodes that gate others (regimes), as they changed.
    public var labels: [LabelChange]
    public var warnings: [String]
    /// The challengers' and champions' ledgers and the testers' verdicts, when the graph has a
    /// `shadow:` section.
    public var shadow: ShadowReport? = nil
    /// Wall-clock seconds of the event loop alone (loading and creating excluded).
    public var loopSeconds: Double
    /// backtest, paper or live.
    public var mode = "backtest"
    /// Paper and live runs: why the run stopped, the inputs it took from outside (and recorded
    /// for `trellis replay`), and the SHA-256 of what its nodes sent out.
    public var live: LiveSummary? = nil

    /// How a paper or live run went.
    public struct LiveSummary: Sendable, Codable, Equatable {
        public var stopReason: String
        public var inputs: Int
        public var inputsDropped: Int
        public var outputs: Int
        public var outputsSHA256: String
        public var realMoney: Bool
        /// The base of the run's client order ids, which a replay gives again.
        public var clientOrderIDBase: UInt64
        /// Order updates dropped as stale: they would have moved an order back in its lifecycle.
        public var staleUpdates: Int? = nil
        /// The run this one resumed (`--resume`), and how its reconciliation ended.
        public var resumedFrom: String? = nil
        public var halt: String? = nil
    }

    public var totalReturn: Double { finalEquity / startingCash - 1 }

    public struct NodeReport: Sendable, Codable {
        public var name: String
        public var type: String
        public var plugin: String
        public var version: String
        /// The parameters the node was created with, defaults filled in, as JSON.
        public var parameters: String
        public var eventsDelivered: Int
        public var failures: Int
        public var warmupBars: Int?
    }

    public struct PluginReport: Sendable, Codable {
        public var id: String
        public var version: String
        public var path: String
        public var sha256: String
    }

    public struct FeedReport: Sendable, Codable {
        public var name: String
        public var symbol: String
        /// The files read, and the SHA-256 of their bytes in that order.
        public var files: [String]
        public var sha256: String
        public var events: Int
    }

    /// An order update or a fill, as the order's origin received it.
    public struct OrderEvent: Sendable, Codable, Equatable {
        public enum Kind: String, Sendable, Codable {
            case update, fill
        }

        public var time: Int64
        public var kind: Kind
        public var node: String
        public var orderID: UInt64
        public var symbol: String
        /// TRELLIS_SIDE_BUY or TRELLIS_SIDE_SELL.
        public var side: Int32
        /// TRELLIS_ORDER_* for updates; TRELLIS_ORDER_FILLED for fills.
        public var status: Int32
        public var quantity: Double
        /// The fill's price, or the update's average fill price.
        public var price: Double
        public var commission: Double
        public var reasonCode: Int32
        public var reason: String
        /// The risk node that denied the order, when one did.
        public var reporter: String?

        /// The status in words: accepted, filled, rejected, ...
        public var statusName: String { OrderEvent.statusNames[Int(status)] ?? "status \(status)" }

        static let statusNames = [
            1: "submitted", 2: "accepted", 3: "partially filled", 4: "filled", 5: "canceled", 6: "rejected", 7: "expired", 8: "denied",
            9: "pending cancel", 10: "pending update",
        ]

        /// Whether the order was refused (rejected by the venue, denied by a risk node or a
        /// limit), or a risk node acted on it: closed a position with it or canceled it.
        public var isRefusal: Bool { kind == .update && (status == 6 || status == 8 || reporter != nil) }

        /// The order's id as people read it: the node's own, or "h3" for the third the host
        /// assigned for the node (orders sent with id 0, closes a risk node made for it).
        public var idText: String { orderID & (1 << 63) != 0 ? "h\(orderID & ~(1 << 63))" : "\(orderID)" }

        /// Whether a risk node acted on the order (closed a position with it, canceled it)
        /// rather than refusing it.
        public var isRiskAction: Bool { reporter != nil && status != 8 }

        /// The status in words, saying what a risk node did: "closed by drawdown", "denied by sizing".
        public var outcome: String {
            let name = status == 1 && reporter != nil ? "closed" : statusName
            return reporter.map { "\(name) by \($0)" } ?? name
        }
    }
}

extension RunResult {
    /// A node's label from `time` (the open of the step it came in) until its next change.
    public struct LabelChange: Sendable, Codable, Equatable {
        public var node: String
        public var time: Int64
        public var label: String
    }

    /// A position at the end of the run: the account's in an instrument (node nil), or one
    /// node's share of it. Profit is before commission; equity moves by realised + unrealised −
    /// commission.
    public struct Position: Sendable, Codable, Equatable {
        public var node: String?
        public var symbol: String
        /// Positive long, negative short, 0 flat.
        public var quantity: Double
        /// Average entry price of the open quantity (0 when flat).
        public var averagePrice: Double
        public var lastPrice: Double
        public var realizedProfit: Double
        public var unrealizedProfit: Double
        public var commission: Double
    }
}

extension RunResult {
    /// The first of the run's stored figures that is not a finite number, named, or nil. With
    /// the host's bounds (docs/limits.md) there should be none; a run that has one is not stored.
    var unstorableFigure: String? {
        let figures: [(String, Double)] = [("starting cash", startingCash), ("final cash", finalCash), ("final equity", finalEquity)]
        for (name, value) in figures where !value.isFinite { return "its \(name) is \(value)" }
        if let step = equityValues.firstIndex(where: { !$0.isFinite }) { return "its equity at step \(step) is \(equityValues[step])" }
        for trade in trades + openTrades {
            for value in [trade.quantity, trade.entryPrice, trade.exitPrice ?? 0, trade.commission] where !value.isFinite {
                return "a trade of \(trade.node) in \(trade.symbol) holds \(value)"
            }
        }
        for position in positions {
            for value in [
                position.quantity, position.averagePrice, position.lastPrice, position.realizedProfit, position.unrealizedProfit, position.commission,
            ]
            where !value.isFinite {
                return "the position of \(position.node ?? "the account") in \(position.symbol) holds \(value)"
            }
        }
        return nil
    }
}
