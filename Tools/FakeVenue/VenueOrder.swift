/// An order as the venue keeps it and as the protocol shows it (the "order object").
struct VenueOrder: Sendable, Equatable {
    /// BUY or SELL.
    enum Side: String, Sendable { case buy = "BUY", sell = "SELL" }
    /// MARKET or LIMIT.
    enum Kind: String, Sendable { case market = "MARKET", limit = "LIMIT" }
    /// GTC (good till canceled) or IOC (immediate or cancel).
    enum TimeInForce: String, Sendable { case gtc = "GTC", ioc = "IOC" }
    /// The order's state.
    enum Status: String, Sendable {
        case new = "NEW", partiallyFilled = "PARTIALLY_FILLED", filled = "FILLED", canceled = "CANCELED", rejected = "REJECTED", expired = "EXPIRED"

        /// True once the order can no longer change.
        var isFinal: Bool { self != .new && self != .partiallyFilled }
    }

    var orderId: String
    var clientOrderId: String
    var symbol: String
    var side: Side
    var kind: Kind
    var quantity: Double
    /// The limit price; 0 for market orders.
    var price: Double
    var timeInForce: TimeInForce
    var status: Status = .new
    var filledQuantity: Double = 0
    var averagePrice: Double = 0
    var reason: String = ""

    /// What is left to fill; 0 once the order is final.
    var leavesQuantity: Double { status.isFinal ? 0 : JSONWriter.tidy(quantity - filledQuantity) }

    /// Records a fill of `quantity` at `price` and moves the status on.
    mutating func fill(_ quantity: Double, at price: Double) {
        let total = filledQuantity + quantity
        averagePrice = JSONWriter.tidy((averagePrice * filledQuantity + price * quantity) / total)
        filledQuantity = JSONWriter.tidy(total)
        status = filledQuantity >= self.quantity - 1e-9 ? .filled : .partiallyFilled
    }

    /// The order object's fields, in the order of the protocol document.
    /// `typeKey` names the order's type: `type` in the order object, `orderType` in a stream
    /// message, whose `type` is the message's.
    func write(to writer: inout JSONWriter, typeKey: String = "type") {
        writer.add("orderId", orderId)
        writer.add("clientOrderId", clientOrderId)
        writer.add("symbol", symbol)
        writer.add("side", side.rawValue)
        writer.add(typeKey, kind.rawValue)
        writer.add("quantity", quantity)
        writer.add("price", price)
        writer.add("timeInForce", timeInForce.rawValue)
        writer.add("status", status.rawValue)
        writer.add("filledQuantity", filledQuantity)
        writer.add("leavesQuantity", leavesQuantity)
        writer.add("averagePrice", averagePrice)
        writer.add("reason", reason)
    }

    /// The order object alone, as REST answers carry it.
    var json: String {
        var writer = JSONWriter()
        write(to: &writer)
        return writer.string
    }

    /// The order object as a stream message; the order's type moves to `orderType`.
    func message(seq: UInt64) -> String {
        var writer = JSONWriter()
        writer.add("type", "order")
        writer.add("seq", seq)
        write(to: &writer, typeKey: "orderType")
        return writer.string
    }
}
