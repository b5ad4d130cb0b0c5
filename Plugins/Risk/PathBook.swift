import TrellisSDK

/// What passed a risk node, kept from the fills and updates the host routes back to it: each
/// originating node's position per instrument (and since when it has pointed that way), and the
/// orders resting at the venue.
struct PathBook {
    struct Key: Hashable {
        var origin: UInt32
        var instrument: UInt32
    }

    struct Held {
        /// Net: positive long, negative short.
        var quantity: Double
        /// When the position opened or last flipped (the fill's time).
        var since: Int64
    }

    struct OrderKey: Hashable {
        var origin: UInt32
        var orderID: UInt64
    }

    private(set) var held: [Key: Held] = [:]
    /// Orders accepted by the venue and neither filled nor ended yet, with their instruments.
    private(set) var resting: [OrderKey: UInt32] = [:]

    mutating func apply(_ fill: Fill) {
        let key = Key(origin: fill.origin, instrument: fill.header.instrument)
        let after = fill.position
        guard abs(after) > 1e-12 else {
            held[key] = nil
            return
        }
        if let before = held[key], (before.quantity > 0) == (after > 0) {
            held[key]?.quantity = after
        } else {
            held[key] = Held(quantity: after, since: fill.header.ts_ns)
        }
    }

    mutating func apply(_ update: OrderUpdate) {
        let key = OrderKey(origin: update.origin, orderID: update.order_id)
        switch update.status {
        case TRELLIS_ORDER_ACCEPTED, TRELLIS_ORDER_PARTIALLY_FILLED: resting[key] = update.header.instrument
        case TRELLIS_ORDER_FILLED, TRELLIS_ORDER_CANCELED, TRELLIS_ORDER_REJECTED, TRELLIS_ORDER_EXPIRED, TRELLIS_ORDER_DENIED: resting[key] = nil
        default: break
        }
    }

    /// The net position in `instrument` of every node whose orders pass here.
    func net(_ instrument: UInt32) -> Double {
        held.reduce(0) { $0 + ($1.key.instrument == instrument ? $1.value.quantity : 0) }
    }
}
