/// The cash account: cash, positions and their average prices, moved by fills.
///
/// No balance or margin checks: cash may go negative and positions short; the account only
/// keeps score, so that any client can trade.
struct Account: Sendable {
    struct Position: Sendable {
        var quantity: Double = 0
        var averagePrice: Double = 0
    }

    var currency: String
    var cash: Double
    private(set) var positions: [String: Position] = [:]
    /// Symbols in the order they were first traded, so the listing is stable.
    private var order: [String] = []

    init(currency: String, cash: Double) {
        self.currency = currency
        self.cash = cash
    }

    /// Applies a fill: pays or receives the notional, pays the commission, moves the position.
    mutating func apply(_ fill: VenueFill) {
        let signed = fill.side == .buy ? fill.quantity : -fill.quantity
        cash = JSONWriter.tidy(cash - signed * fill.price - fill.commission)
        if positions[fill.symbol] == nil { order.append(fill.symbol) }
        var position = positions[fill.symbol, default: Position()]
        let quantity = JSONWriter.tidy(position.quantity + signed)
        if position.quantity == 0 || (position.quantity > 0) == (signed > 0) {
            // Opening or adding: the average moves.
            position.averagePrice = JSONWriter.tidy((position.averagePrice * abs(position.quantity) + fill.price * abs(signed)) / abs(quantity))
        } else if quantity != 0, (quantity > 0) != (position.quantity > 0) {
            // Reversing: what remains was opened by this fill.
            position.averagePrice = fill.price
        }
        position.quantity = quantity
        if quantity == 0 { position.averagePrice = 0 }
        positions[fill.symbol] = position
    }

    /// Cash plus positions marked at `prices` (their average price when a symbol has none).
    func equity(prices: [String: Double]) -> Double {
        var equity = cash
        for (symbol, position) in positions { equity += position.quantity * (prices[symbol] ?? position.averagePrice) }
        return JSONWriter.tidy(equity)
    }

    /// The account as `GET /api/v1/account` shows it.
    func json(prices: [String: Double]) -> String {
        var writer = JSONWriter()
        writer.add("currency", currency)
        writer.add("cash", cash)
        writer.add("equity", equity(prices: prices))
        let positions = order.compactMap { symbol -> String? in
            guard let position = self.positions[symbol], position.quantity != 0 else { return nil }
            var item = JSONWriter()
            item.add("symbol", symbol)
            item.add("quantity", position.quantity)
            item.add("averagePrice", position.averagePrice)
            return item.string
        }
        writer.add("positions", raw: JSONWriter.array(positions))
        return writer.string
    }
}
