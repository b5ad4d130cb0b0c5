/// Matches fills into round-trip trades, first in first out, per (node, instrument).
struct TradeBook {
    private(set) var closed: [Trade] = []
    /// Open trades per key, oldest first.
    private var open: [Key: [Trade]] = [:]
    /// Keys in the order they first traded, so listings are deterministic.
    private var keys: [Key] = []

    struct Key: Hashable {
        var node: UInt32
        var instrument: UInt32
    }

    /// Records a fill of `signedQuantity` for `node` in `instrument` at `price`.
    mutating func record(
        node: UInt32, nodeName: String, instrument: UInt32, symbol: String, signedQuantity: Double,
        price: Double, commission: Double, time: Int64, bar: Int, step: Int
    ) {
        let key = Key(node: node, instrument: instrument)
        if open[key] == nil {
            open[key] = []
            keys.append(key)
        }
        var remaining = signedQuantity
        var fee = commission
        while abs(remaining) > Holding.dust, var trade = open[key]?.first, (trade.quantity > 0) != (remaining > 0) {
            let closing = min(abs(remaining), abs(trade.quantity))
            let share = closing / abs(remaining)
            let exitFee = fee * share
            fee -= exitFee
            let fraction = closing / abs(trade.quantity)
            var done = trade
            done.quantity = trade.quantity > 0 ? closing : -closing
            done.commission = trade.commission * fraction + exitFee
            done.exitTime = time
            done.exitPrice = price
            done.exitBar = bar
            done.exitStep = step
            closed.append(done)
            trade.commission -= trade.commission * fraction
            trade.quantity += trade.quantity > 0 ? -closing : closing
            remaining += remaining > 0 ? -closing : closing
            if abs(trade.quantity) < Holding.dust {
                open[key]!.removeFirst()
            } else {
                open[key]![0] = trade
            }
        }
        if abs(remaining) > Holding.dust {
            open[key]!.append(
                Trade(
                    node: nodeName, symbol: symbol, quantity: remaining, entryTime: time, entryPrice: price, entryBar: bar,
                    entryStep: step, exitStep: nil, exitTime: nil, exitPrice: nil, exitBar: nil, commission: fee))
        }
    }

    /// Trades still open, in the order their keys first traded.
    var openTrades: [Trade] { keys.flatMap { open[$0] ?? [] } }
}
