import CTrellis
import Glibc

/// An order resting at the simulated venue.
struct VenueOrder {
    var intent: trellis_order
    /// UTC day of submission, for DAY orders.
    let submittedDay: Int64
    /// Total quantity in units, once sized (at the first fill).
    var target: Double?
    var filled = 0.0
    var filledNotional = 0.0
    /// A stop (or stop-limit) order whose stop has been reached.
    var triggered = false
    /// Whether a market event was matched against it yet (IOC and FOK decide at the first).
    var evaluated = false

    init(intent: trellis_order, submittedAt: Int64) {
        self.intent = intent
        submittedDay = VenueOrder.day(of: submittedAt)
    }

    var instrument: UInt32 { intent.header.instrument }
    var isBuy: Bool { intent.side == TRELLIS_SIDE_BUY }
    var side: Double { Double(intent.side) }
    var remaining: Double? { target.map { $0 - filled } }
    var averagePrice: Double { filled > 0 ? filledNotional / filled : 0 }
    var closesPosition: Bool { intent.order_flags & UInt32(TRELLIS_ORDER_FLAG_CLOSE_POSITION) != 0 }
    var reduceOnly: Bool { intent.order_flags & UInt32(TRELLIS_ORDER_FLAG_REDUCE_ONLY) != 0 }
    var hasStop: Bool { intent.order_type == TRELLIS_ORDER_STOP || intent.order_type == TRELLIS_ORDER_STOP_LIMIT }
    var hasLimit: Bool { intent.order_type == TRELLIS_ORDER_LIMIT || intent.order_type == TRELLIS_ORDER_STOP_LIMIT }
    /// Fills like a market order: a market order, or a stop order once triggered.
    var isMarketLike: Bool { intent.order_type == TRELLIS_ORDER_MARKET || intent.order_type == TRELLIS_ORDER_STOP }

    /// Days since the Unix epoch of a time in ns (UTC).
    static func day(of time: Int64) -> Int64 {
        let day: Int64 = 86_400_000_000_000
        return time >= 0 ? time / day : (time - day + 1) / day
    }
}

/// Python's float floor division (`a // b`), bit for bit: sizing by equity rounds exactly as
/// backtesting.py does, so the two agree on every share count.
func pythonFloorDivide(_ a: Double, _ b: Double) -> Double {
    var mod = fmod(a, b)
    var div = (a - mod) / b
    if mod != 0 {
        if (b < 0) != (mod < 0) {
            mod += b
            div -= 1
        }
    }
    guard div != 0 else { return a / b < 0 ? -0.0 : 0.0 }
    var floored = div.rounded(.down)
    if div - floored > 0.5 { floored += 1 }
    return floored
}
