/// A tradable symbol and its trading rules, as `GET /api/v1/instruments` lists them.
struct Instrument: Sendable, Equatable {
    var symbol: String
    var tickSize: Double
    var lotSize: Double
    var minQuantity: Double
    var minNotional: Double = 0
    var multiplier: Double = 1
    var currency: String

    init(symbol: String, tickSize: Double, lotSize: Double, currency: String) {
        self.symbol = symbol
        self.tickSize = tickSize
        self.lotSize = lotSize
        self.minQuantity = lotSize
        self.currency = currency
    }

    var json: String {
        var writer = JSONWriter()
        writer.add("symbol", symbol)
        writer.add("tickSize", tickSize)
        writer.add("lotSize", lotSize)
        writer.add("minQuantity", minQuantity)
        writer.add("minNotional", minNotional)
        writer.add("multiplier", multiplier)
        writer.add("currency", currency)
        return writer.string
    }

    /// Why an order for `quantity` at `price` (0 for market orders) breaks the rules, or nil.
    func refusal(quantity: Double, price: Double, isLimit: Bool) -> String? {
        if !(quantity > 0) || !Instrument.isMultiple(quantity, of: lotSize) {
            return "quantity \(JSONWriter.number(quantity)) is not a positive multiple of the lot size \(JSONWriter.number(lotSize))"
        }
        if quantity < minQuantity { return "quantity is below the minimum \(JSONWriter.number(minQuantity))" }
        if isLimit {
            if !(price > 0) { return "a LIMIT order needs a positive price" }
            if !Instrument.isMultiple(price, of: tickSize) {
                return "price \(JSONWriter.number(price)) is not on the tick size \(JSONWriter.number(tickSize))"
            }
            if price * quantity * multiplier < minNotional { return "notional is below the minimum \(JSONWriter.number(minNotional))" }
        }
        return nil
    }

    /// True when `value` is a whole multiple of `step`, within rounding noise.
    static func isMultiple(_ value: Double, of step: Double) -> Bool {
        let ratio = value / step
        return abs(ratio - ratio.rounded()) < 1e-7 && ratio.rounded() >= 1
    }
}
