import TrellisSDK

/// The round trips of the orders that pass a risk node, from their fills: per instrument, the
/// position and its average price; a trade closes when the position returns to zero or flips.
struct ClosedTrades {
    struct Holding {
        var quantity = 0.0
        var averagePrice = 0.0
        var profit = 0.0
        var invested = 0.0
    }

    /// Return of each closed trade (profit / what was invested at entry), oldest first.
    private(set) var returns: [Double] = []
    private var holdings: [UInt32: Holding] = [:]

    /// Applies a fill; returns the return of the trade it closed, if it closed one.
    @discardableResult
    mutating func apply(_ fill: Fill) -> Double? {
        var holding = holdings[fill.header.instrument] ?? Holding()
        let signed = Double(fill.side) * fill.quantity
        var closed: Double?
        if holding.quantity == 0 || (holding.quantity > 0) == (signed > 0) {
            let total = abs(holding.quantity) + abs(signed)
            holding.averagePrice = (holding.averagePrice * abs(holding.quantity) + fill.price * abs(signed)) / total
            holding.invested += abs(signed) * fill.price
            holding.quantity += signed
        } else {
            let closing = min(abs(signed), abs(holding.quantity))
            holding.profit += (fill.price - holding.averagePrice) * closing * (holding.quantity > 0 ? 1 : -1)
            let remainder = holding.quantity + signed
            if abs(remainder) < 1e-9 || (remainder > 0) != (holding.quantity > 0) {
                let value = holding.invested > 0 ? holding.profit / holding.invested : 0
                returns.append(value)
                closed = value
                holding = Holding()
                if abs(remainder) >= 1e-9 {
                    holding = Holding(quantity: remainder, averagePrice: fill.price, profit: 0, invested: abs(remainder) * fill.price)
                }
            } else {
                holding.quantity = remainder
            }
        }
        holdings[fill.header.instrument] = holding
        return closed
    }

    /// Whether `order` can add exposure: any new order but one that closes the position or only
    /// reduces it. (An opposite order can flip a position, and a strategy often sends its close
    /// and its new entry together, before the close has filled.)
    static func opens(_ order: Order) -> Bool {
        order.order_flags & UInt32(TRELLIS_ORDER_FLAG_CLOSE_POSITION | TRELLIS_ORDER_FLAG_REDUCE_ONLY) == 0
    }
}
