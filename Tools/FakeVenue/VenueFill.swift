/// A fill (one execution of an order) as the stream and `GET /api/v1/fills` show it.
struct VenueFill: Sendable, Equatable {
    var seq: UInt64 = 0
    var clientOrderId: String
    var orderId: String
    var tradeId: String
    var symbol: String
    var side: VenueOrder.Side
    var quantity: Double
    var price: Double
    var commission: Double
    var time: Int64

    /// The fill as a stream message (the same object `GET /api/v1/fills` lists).
    var json: String {
        var writer = JSONWriter()
        writer.add("type", "fill")
        writer.add("seq", seq)
        writer.add("clientOrderId", clientOrderId)
        writer.add("orderId", orderId)
        writer.add("tradeId", tradeId)
        writer.add("symbol", symbol)
        writer.add("side", side.rawValue)
        writer.add("quantity", quantity)
        writer.add("price", price)
        writer.add("commission", commission)
        writer.add("time", time)
        return writer.string
    }
}
