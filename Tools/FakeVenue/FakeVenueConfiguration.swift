/// Everything a fake venue needs to start: where it listens, what it streams, how it fills
/// and which faults it injects.
public struct FakeVenueConfiguration: Sendable {
    /// Where market data comes from.
    public enum MarketData: Sendable, Equatable {
        /// Replays daily bars from a CSV file (`,Open,High,Low,Close,Volume`) for one symbol.
        case bars(path: String, symbol: String)
        /// Synthetic random-walk trades and quotes for `symbols` symbols named S001…, each
        /// `rate` messages per second.
        case synthetic(symbols: Int, rate: Double)
    }

    /// The address to bind; loopback unless the caller means otherwise.
    public var host: String
    /// The port; 0 binds any free port (see ``FakeVenueServer/start()``).
    public var port: Int
    /// The key every `/api/` request and the WebSocket upgrade must carry in `X-API-Key`.
    public var apiKey: String
    /// The market data source.
    public var marketData: MarketData
    /// Tick size of the bars symbol (synthetic symbols use 0.01).
    public var tickSize: Double
    /// Lot size of the bars symbol (synthetic symbols use 1).
    public var lotSize: Double
    /// Milliseconds between two bars.
    public var intervalMs: Int
    /// Delay between the first WebSocket connection and the first market data message.
    public var startAfterMs: Int
    /// Restarts the bars at the end instead of sending `end`.
    public var loop: Bool
    /// Seed of the synthetic market and of every fault.
    public var seed: UInt64
    /// Commission as a fraction of the notional.
    public var commission: Double
    /// Cash the account starts with.
    public var cash: Double
    /// Account currency.
    public var currency: String
    /// Faults injected from the start; adjustable later.
    public var faults: FakeVenueFaults

    /// Creates a configuration; the defaults are the CLI's.
    public init(
        host: String = "127.0.0.1", port: Int = 8765, apiKey: String = "sim-key", marketData: MarketData, tickSize: Double = 0.01, lotSize: Double = 1,
        intervalMs: Int = 100, startAfterMs: Int = 0, loop: Bool = false, seed: UInt64 = 1, commission: Double = 0.001, cash: Double = 10_000,
        currency: String = "USD", faults: FakeVenueFaults = .none
    ) {
        self.host = host
        self.port = port
        self.apiKey = apiKey
        self.marketData = marketData
        self.tickSize = tickSize
        self.lotSize = lotSize
        self.intervalMs = intervalMs
        self.startAfterMs = startAfterMs
        self.loop = loop
        self.seed = seed
        self.commission = commission
        self.cash = cash
        self.currency = currency
        self.faults = faults
    }

    /// Checks every value; the server calls it before it binds.
    public func validate() throws(FakeVenueError) {
        if !(0...65_535).contains(port) { throw .configuration("port must be between 0 and 65535, got \(port)") }
        if apiKey.isEmpty { throw .configuration("the API key must not be empty") }
        if !(tickSize > 0) { throw .configuration("tick size must be positive, got \(tickSize)") }
        if !(lotSize > 0) { throw .configuration("lot size must be positive, got \(lotSize)") }
        if intervalMs < 1 { throw .configuration("interval must be at least 1 ms, got \(intervalMs)") }
        if startAfterMs < 0 { throw .configuration("start delay must not be negative") }
        if !(0..<1).contains(commission) { throw .configuration("commission must be a fraction in [0, 1), got \(commission)") }
        if !(cash >= 0) || !cash.isFinite { throw .configuration("cash must not be negative, got \(cash)") }
        switch marketData {
        case .bars(let path, let symbol):
            if path.isEmpty { throw .configuration("a bars file is required") }
            if symbol.isEmpty { throw .configuration("a symbol is required with a bars file") }
        case .synthetic(let symbols, let rate):
            if !(1...9_999).contains(symbols) { throw .configuration("symbols must be between 1 and 9999, got \(symbols)") }
            if !(rate > 0) || rate > 100_000 { throw .configuration("rate must be between 0 and 100000 messages per second, got \(rate)") }
        }
        try faults.validate()
    }

    /// True when `host` is a loopback address.
    public var isLoopback: Bool { host == "127.0.0.1" || host == "::1" || host == "localhost" }
}
