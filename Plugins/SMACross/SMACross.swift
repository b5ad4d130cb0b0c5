import TrellisSDK

/// Buys when the fast simple moving average of closes crosses above the slow one and sells when it
/// crosses below; with `short`, it reverses into a short position instead of going flat.
///
/// The same strategy exists as a C plugin (Plugins/sma-cross-c) and a Rust plugin
/// (Plugins/sma-cross-rust); the three must produce identical runs.
struct SMACross: Node {
    static let descriptor = NodeDescriptor(
        type: "sma-cross", kind: .strategy, version: "1.0.0",
        description: "Moving-average crossover: long when the fast SMA of closes is above the slow one.",
        parameters: smaCrossParameters)

    let context: NodeContext
    let quantity: Double
    let sizeMode: Int32
    let goShort: Bool
    var fast: SimpleMovingAverage
    var slow: SimpleMovingAverage
    var previousFast = Double.nan
    var previousSlow = Double.nan
    var instrument: UInt32 = 0
    var position = 0.0
    var nextOrderID: UInt64 = 1

    init(context: NodeContext, parameters: Parameters) throws(PluginError) {
        let fastPeriod = try parameters.integer("fast")
        let slowPeriod = try parameters.integer("slow")
        guard (1...100_000).contains(fastPeriod), (2...100_000).contains(slowPeriod) else {
            throw PluginError("fast (\(fastPeriod)) and slow (\(slowPeriod)) must lie in 1..100000")
        }
        guard fastPeriod < slowPeriod else {
            throw PluginError("fast (\(fastPeriod)) must be shorter than slow (\(slowPeriod))")
        }
        self.context = context
        fast = SimpleMovingAverage(period: fastPeriod)
        slow = SimpleMovingAverage(period: slowPeriod)
        quantity = try parameters.number("quantity")
        sizeMode = try parameters.string("sizing") == "equity" ? TRELLIS_SIZE_EQUITY : TRELLIS_SIZE_UNITS
        goShort = try parameters.bool("short")
    }

    var warmupBars: Int? { slow.period + 1 }

    mutating func onBar(_ bar: Bar) {
        if instrument == 0 { instrument = bar.header.instrument }
        guard bar.header.instrument == instrument else { return }
        let fastNow = fast.update(bar.close) ?? .nan
        let slowNow = slow.update(bar.close) ?? .nan
        defer { (previousFast, previousSlow) = (fastNow, slowNow) }
        if previousFast < previousSlow && fastNow > slowNow {
            if position < 0 { send(.closePosition(instrument: instrument, side: .buy, orderID: takeOrderID())) }
            if position <= 0 { send(Order(instrument: instrument, side: .buy, quantity: quantity, orderID: takeOrderID(), sizeMode: sizeMode)) }
        } else if previousFast > previousSlow && fastNow < slowNow {
            if position > 0 { send(.closePosition(instrument: instrument, side: .sell, orderID: takeOrderID())) }
            if goShort && position >= 0 {
                send(Order(instrument: instrument, side: .sell, quantity: quantity, orderID: takeOrderID(), sizeMode: sizeMode))
            }
        }
    }

    mutating func onFill(_ fill: Fill) {
        if fill.header.instrument == instrument { position = fill.position }
    }

    private mutating func takeOrderID() -> UInt64 {
        defer { nextOrderID += 1 }
        return nextOrderID
    }

    private func send(_ order: Order) {
        context.emit(order)
    }
}

let smaCrossParameters = """
    {
      "type": "object",
      "properties": {
        "fast": {"type": "integer", "minimum": 1, "maximum": 100000, "default": 10, "description": "Bars in the fast average."},
        "slow": {"type": "integer", "minimum": 2, "maximum": 100000, "default": 20, "description": "Bars in the slow average."},
        "quantity": {"type": "number", "exclusiveMinimum": 0, "default": 1,
                     "description": "Order size: units, or a fraction of equity with sizing: equity."},
        "sizing": {"enum": ["units", "equity"], "default": "units", "description": "How quantity is read."},
        "short": {"type": "boolean", "default": false,
                  "description": "Reverse into a short position on a down-cross instead of going flat."}
      },
      "additionalProperties": false
    }
    """
