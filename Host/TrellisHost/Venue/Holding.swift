/// A net position in one instrument with its average entry price and realised profit.
struct Holding: Sendable {
    var quantity = 0.0
    var averagePrice = 0.0
    var realized = 0.0
    var commission = 0.0

    /// Quantities smaller than this are zero (sums of fractional fills leave dust).
    static let dust = 1e-9

    /// Applies a fill of `signedQuantity` (positive buys) at `price`; returns the realised profit.
    @discardableResult
    mutating func apply(_ signedQuantity: Double, at price: Double, commission fee: Double) -> Double {
        commission += fee
        var profit = 0.0
        if quantity == 0 || (quantity > 0) == (signedQuantity > 0) {
            let total = abs(quantity) + abs(signedQuantity)
            averagePrice = (averagePrice * abs(quantity) + price * abs(signedQuantity)) / total
            quantity += signedQuantity
        } else {
            let closing = min(abs(signedQuantity), abs(quantity))
            profit = (price - averagePrice) * closing * (quantity > 0 ? 1 : -1)
            let flips = abs(signedQuantity) > abs(quantity) + Self.dust
            quantity += signedQuantity
            if abs(quantity) < Self.dust {
                quantity = 0
                averagePrice = 0
            } else if flips {
                averagePrice = price
            }
        }
        realized += profit
        return profit
    }

    /// Profit of the open quantity at `price`.
    func unrealized(at price: Double) -> Double {
        quantity == 0 ? 0 : (price - averagePrice) * quantity
    }
}
