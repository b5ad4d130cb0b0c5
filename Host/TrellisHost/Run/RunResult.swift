/// What a backtest produced: trades, equity, the fingerprint and per-node counts.
public struct RunResult: Sendable, Codable {
    public var graphFile: String
    public var startingCash: Double
    public var finalEquity: Double
    public var currency: String
    /// Closed round trips, in the order they closed.
    public var trades: [Trade]
    /// Trades still open at the end, marked at the last price of their instrument.
    public var openTrades: [Trade]
    public var lastPrices: [String: Double]
    /// SHA-256 over every order outcome and fill (see `Fingerprint`).
    public var fingerprint: String
    public var orderUpdates: Int
    public var fills: Int
    /// Market events replayed, and when the first and the last began (a bar's open time).
    public var events: Int
    public var firstTime: Int64
    public var lastTime: Int64
    /// Account equity after each timestamp (a bar's end), with the open time of that step's bars.
    public var equityTimes: [Int64]
    public var equityOpenTimes: [Int64]
    public var equityValues: [Double]
    public var metrics: Metrics
    public var nodes: [NodeReport]
    public var warnings: [String]
    /// Wall-clock seconds of the event loop alone (loading and creating excluded).
    public var loopSeconds: Double

    public var totalReturn: Double { finalEquity / startingCash - 1 }

    public struct NodeReport: Sendable, Codable {
        public var name: String
        public var type: String
        public var plugin: String
        public var version: String
        public var eventsDelivered: Int
        public var failures: Int
        public var warmupBars: Int?
    }
}
