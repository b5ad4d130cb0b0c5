/// A value and where it was written.
public struct Located<Value: Sendable>: Sendable {
    public var value: Value
    public var location: SourceLocation?

    public init(_ value: Value, at location: SourceLocation?) {
        self.value = value
        self.location = location
    }
}

/// A strategy graph as written, after the format checks: plugins, venue, feeds and nodes.
public struct GraphSpec: Sendable {
    /// The graph file's path as given, and its directory (relative paths start there).
    public var file: String
    public var directory: String
    /// The graph file's text, as read.
    public var text = ""
    public var description: String?
    public var plugins = PluginSources()
    public var venue = VenueSettings()
    public var limits = LimitSettings()
    public var pluginLimits = PluginLimits()
    public var feeds: [FeedSpec] = []
    public var nodes: [NodeSpec] = []
    /// The `shadow:` section: challengers and their testers (docs/shadow.md).
    public var shadow = ShadowSpec()
    /// The `live:` section: how paper and live runs behave (docs/live.md).
    public var live = LiveSettings()

    /// Paper and live runs (docs/live.md).
    public struct LiveSettings: Sendable, Equatable {
        /// The graph's half of the real-money switch; the command's `--real-money` is the other.
        public var realMoney = false
        public var realMoneyLocation: SourceLocation?
        /// Cancel the orders open at brokers when the run stops, or keep them.
        public var cancelOnStop = true
        public var stopTimeoutSeconds = 5.0
        /// Replay the graph's feeds as warm-up before live data.
        public var warmup = true
        public var maxInstruments = 1024
        public var equityPoints = 100_000
    }

    public struct PluginSources: Sendable {
        public var search: [Located<String>] = []
        public var load: [Located<String>] = []
        /// Plugin id → "sha256:<hex>", in file order.
        public var pins: [(plugin: String, digest: Located<String>)] = []
    }

    /// The simulated venue (docs/venue.md).
    public struct VenueSettings: Sendable {
        public var cash = 10_000.0
        /// Commission per fill: a fraction of its notional, plus a fixed amount.
        public var commission = 0.0
        public var fixedCommission = 0.0
        /// Adverse price move on market and stop fills, in basis points.
        public var slippageBPS = 0.0
        public var fill = FillPrice.open
        public var atEnd = AtEnd.keep
        public var currency = "USD"

        /// When a market order fills: at the next bar's open, or at the close of the bar it was placed on.
        public enum FillPrice: String, Sendable {
            case open
            case close
        }

        /// What happens to open positions when the data ends.
        public enum AtEnd: String, Sendable {
            /// They stay open, marked at the last price.
            case keep
            /// Closed at the last bar's open, with every order still waiting (backtesting.py's
            /// `finalize_trades`).
            case closeAtOpen = "close-at-open"
            /// Closed at the last bar's close.
            case closeAtClose = "close-at-close"
        }
    }

    /// The host's hard limits (docs/limits.md): checked on every order after the risk nodes,
    /// before the venue; nil is no limit.
    public struct LimitSettings: Sendable, Equatable {
        /// Largest notional of one order, in the account currency.
        public var maxOrderNotional: Double?
        /// Largest position in any one instrument, in units, either way, counting resting orders.
        public var maxPosition: Double?
        /// Most orders sent to the venue in any second.
        public var maxOrdersPerSecond: Int?
        /// How far a limit or stop price may be from the last price, in percent.
        public var priceBandPercent: Double?
        /// The loss in a day that halts the host: a percentage of the day's starting equity, an amount.
        public var maxDailyLossPercent: Double?
        public var maxDailyLoss: Double?
        /// When the trading day starts, in seconds after midnight UTC.
        public var dayStart: Int64 = 0

        public init() {}

        public var isEmpty: Bool { self == LimitSettings() }
    }

    /// What the host allows one node's code (docs/limits.md): how long a callback may run before
    /// the watchdog ends the run, and how many events one callback may emit.
    public struct PluginLimits: Sendable, Equatable {
        public var callbackBudgetSeconds = 30.0
        public var maxEventsPerCallback = 10_000
    }

    public struct FeedSpec: Sendable {
        public var name: String
        public var location: SourceLocation?
        /// csv, or binance (data.binance.vision kline files, .csv or .zip).
        public var source: String
        /// A file, or a glob pattern of files read in name order.
        public var path: Located<String>
        public var symbol: String
        public var layout: CSVLayout
        public var skipBadRows: Bool
        public var labels: CSVFeedReader.Labels
        /// Bar length in ns, or nil to infer it.
        public var period: Int64?
        public var tickSize: Double
        public var lotSize: Double
        /// Paper and live runs: the node whose events of this symbol arrive as this feed's.
        public var live: Located<String>? = nil
    }

    public struct NodeSpec: Sendable {
        public var name: String
        public var location: SourceLocation?
        public var use: Located<String>
        public var inputs: [Located<String>]
        /// The `params` object as written (empty object when absent).
        public var params: ValueNode
        public var when: [Gate]
        /// 0 for the graph's own nodes; k for the copies in challenger k's branch (1-based).
        public var branch = 0
        /// For a node of a challenger's branch: the champion node it stands in for.
        public var standsFor: String?
        /// A shadow tester: it takes no inputs and receives every branch's returns from the host.
        public var isTester = false
        /// `network:`: hosts (or host:port) it may reach, and address:port it may listen on.
        public var allow: [String] = []
        public var listen: [String] = []
        /// `secrets:`: the secrets it may read.
        public var secrets: [String] = []
    }

    /// Challengers, each replacing one champion node, and the testers that judge them.
    public struct ShadowSpec: Sendable {
        public var challengers: [Challenger] = []
        /// Observer nodes (ab-shadow) that receive every branch's returns from the host.
        public var testers: [NodeSpec] = []

        public var isEmpty: Bool { challengers.isEmpty && testers.isEmpty }
    }

    /// A challenger: `replaces` names a champion node; `use` (nil: the same type) and `params`.
    public struct Challenger: Sendable {
        public var name: String
        public var location: SourceLocation?
        public var replaces: Located<String>
        public var use: Located<String>?
        /// The params as written (an empty object when absent).
        public var params: ValueNode
        /// Live runs: compare with a paper copy of the champion rather than its real fills.
        public var paperBaseline = false
    }

    /// `when: { node: label }`: run only while `node`'s latest signal label is one of `labels`.
    public struct Gate: Sendable {
        public var node: Located<String>
        public var labels: [String]
    }

    /// Resolves a path written in the graph against the graph's directory.
    public func resolve(_ path: String) -> String {
        path.hasPrefix("/") ? path : (directory.isEmpty ? path : directory + "/" + path)
    }

    /// The names of all feeds and nodes.
    public var endpointNames: [String] { feeds.map(\.name) + nodes.map(\.name) }
}
