/// Matches fills into round-trip trades, first in first out, per (node, instrument).
struct TradeBook {
    private(set) var closed: [Trade] = []
    /// Open trades per key, oldest first, in the order the keys first traded (so listings are
    /// deterministic).
    private var open: [[Trade]] = []
    private var slots: [Key: Int] = [:]
    /// The key of the last fill and its slot: fills come in runs of one key, and a hash per fill
    /// was a tenth of the booking.
    private var last: (key: Key, slot: Int)?

    struct Key: Hashable {
        var node: UInt32
        var instrument: UInt32
    }

    /// Records a fill of `signedQuantity` for `node` in `instrument` at `price`.
    mutating func record(
        node: UInt32, nodeName: String, instrument: UInt32, symbol: String, signedQuantity: Double,
        price: Double, commission: Double, time: Int64, bar: Int, step: Int
    ) {
        let slot = slot(of: Key(node: node, instrument: instrument))
        var remaining = signedQuantity
        var fee = commission
        // Trades closed in full are dropped together at the end: one fill closing n trades costs O(n).
        var finished = 0
        defer { if finished > 0 { open[slot].removeFirst(finished) } }
        while abs(remaining) > Holding.dust, finished < open[slot].count, (open[slot][finished].quantity > 0) != (remaining > 0) {
            var trade = open[slot][finished]
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
                finished += 1
            } else {
                open[slot][finished] = trade
            }
        }
        if abs(remaining) > Holding.dust {
            open[slot].append(
                Trade(
                    node: nodeName, symbol: symbol, quantity: remaining, entryTime: time, entryPrice: price, entryBar: bar,
                    entryStep: step, exitStep: nil, exitTime: nil, exitPrice: nil, exitBar: nil, commission: fee))
        }
    }

    /// The slot of `key`'s open trades, made on its first fill.
    private mutating func slot(of key: Key) -> Int {
        if let last, last.key == key { return last.slot }
        let slot: Int
        if let known = slots[key] {
            slot = known
        } else {
            slot = open.count
            slots[key] = slot
            open.append([])
        }
        last = (key, slot)
        return slot
    }

    /// Trades still open, in the order their keys first traded.
    var openTrades: [Trade] { open.flatMap { $0 } }
}
