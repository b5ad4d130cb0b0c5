/// Buy or sell.
public enum Side: Int32, Sendable {
    case buy = 1
    case sell = -1
}

extension trellis_order {
    /// A new order intent. Defaults: a good-till-canceled market order sized in units.
    @inlinable
    public init(
        instrument: UInt32, side: Side, quantity: Double, orderID: UInt64 = 0,
        type: Int32 = TRELLIS_ORDER_MARKET, timeInForce: Int32 = TRELLIS_TIF_GTC,
        sizeMode: Int32 = TRELLIS_SIZE_UNITS, flags: UInt32 = 0,
        limitPrice: Double = 0, stopPrice: Double = 0
    ) {
        self.init(
            header: Self.header(instrument: instrument), order_id: orderID, origin: 0,
            action: TRELLIS_ACTION_NEW, side: side.rawValue, order_type: type,
            time_in_force: timeInForce, size_mode: sizeMode, order_flags: flags, _reserved: 0,
            quantity: quantity, limit_price: limitPrice, stop_price: stopPrice, client_order_id: 0)
    }

    /// An intent that closes the node's whole position in `instrument` at market.
    @inlinable
    public static func closePosition(instrument: UInt32, side: Side, orderID: UInt64 = 0) -> Self {
        Self(
            instrument: instrument, side: side, quantity: 0, orderID: orderID,
            flags: UInt32(TRELLIS_ORDER_FLAG_CLOSE_POSITION))
    }

    /// An intent that cancels the node's order `orderID`.
    @inlinable
    public static func cancel(instrument: UInt32, orderID: UInt64) -> Self {
        var order = Self(instrument: instrument, side: .buy, quantity: 0, orderID: orderID)
        order.action = TRELLIS_ACTION_CANCEL
        return order
    }
}
