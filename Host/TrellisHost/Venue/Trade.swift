/// A round trip: a position opened by one fill and closed (wholly or partly) by later fills.
/// Trades are matched first-in first-out per node and instrument.
public struct Trade: Sendable, Equatable, Codable {
    /// The strategy node that traded.
    public var node: String
    public var symbol: String
    /// Positive for a long trade, negative for a short one.
    public var quantity: Double
    public var entryTime: Int64
    public var entryPrice: Double
    /// Index of the entry bar in the instrument's own bar sequence (0-based).
    public var entryBar: Int
    /// Index of the equity-curve step (timestamp) of the entry, and of the exit.
    public var entryStep: Int
    public var exitStep: Int?
    public var exitTime: Int64?
    public var exitPrice: Double?
    public var exitBar: Int?
    /// Commission of the entry and exit fills attributed to this trade.
    public var commission: Double

    public var isOpen: Bool { exitTime == nil }

    /// Profit before commission: (exit − entry) × quantity; for an open trade, at `markPrice`.
    public func grossProfit(markPrice: Double? = nil) -> Double {
        guard let price = exitPrice ?? markPrice else { return 0 }
        return (price - entryPrice) * quantity
    }

    /// Profit after commission.
    public func netProfit(markPrice: Double? = nil) -> Double { grossProfit(markPrice: markPrice) - commission }

    /// Net return as a fraction of the entry notional: the price move in the trade's direction,
    /// less the commission per unit of entry value.
    public func returnFraction(markPrice: Double? = nil) -> Double {
        guard let price = exitPrice ?? markPrice, entryPrice != 0, quantity != 0 else { return 0 }
        let move = (quantity > 0 ? 1.0 : -1.0) * (price / entryPrice - 1)
        return move - commission / (abs(quantity) * entryPrice)
    }
}
