import CTrellis

/// What the host requires of an order intent before it goes anywhere: values it knows, reserved
/// space zero, nothing past the fields it knows. An intent never means less than its sender asked.
enum OrderChecks {
    static let knownFlags = UInt32(TRELLIS_ORDER_FLAG_REDUCE_ONLY | TRELLIS_ORDER_FLAG_CLOSE_POSITION)

    /// Why the host cannot honour `event` (an order intent) in full, or nil.
    static func problem(with event: UnsafePointer<trellis_event_header>) -> String? {
        let order = UnsafeRawPointer(event).load(as: trellis_order.self)
        guard order.action == TRELLIS_ACTION_NEW || order.action == TRELLIS_ACTION_CANCEL else { return "unknown action \(order.action)" }
        guard order.side == TRELLIS_SIDE_BUY || order.side == TRELLIS_SIDE_SELL || order.action == TRELLIS_ACTION_CANCEL else {
            return "side must be TRELLIS_SIDE_BUY (1) or TRELLIS_SIDE_SELL (-1), not \(order.side)"
        }
        guard (TRELLIS_ORDER_MARKET...TRELLIS_ORDER_STOP_LIMIT).contains(order.order_type) else { return "unknown order_type \(order.order_type)" }
        guard (TRELLIS_TIF_GTC...TRELLIS_TIF_DAY).contains(order.time_in_force) else { return "unknown time_in_force \(order.time_in_force)" }
        guard (TRELLIS_SIZE_UNITS...TRELLIS_SIZE_NOTIONAL).contains(order.size_mode) else { return "unknown size_mode \(order.size_mode)" }
        guard order.order_flags & ~knownFlags == 0 else { return "unknown order_flags bits 0x\(String(order.order_flags & ~knownFlags, radix: 16))" }
        guard order._reserved == 0 else { return "_reserved must be 0" }
        let size = Int(event.pointee.size), known = MemoryLayout<trellis_order>.size
        if size > known {
            let tail = UnsafeRawBufferPointer(start: UnsafeRawPointer(event) + known, count: size - known)
            guard tail.allSatisfy({ $0 == 0 }) else {
                return "fields past the ABI \(PluginLoader.abiMajor).\(PluginLoader.abiMinor) order (a newer SDK?) are set; this host cannot honour them"
            }
        }
        return nil
    }

    /// "an order", "a signal": the name of an event type with its article, for messages.
    static func article(_ type: UInt16) -> String {
        let name = typeName(type)
        return (name.first.map { "aeiou".contains($0) } ?? false ? "an " : "a ") + name
    }

    /// The name of an event type, for messages.
    static func typeName(_ type: UInt16) -> String {
        switch Int32(type) {
        case TRELLIS_EVENT_BAR: "bar"
        case TRELLIS_EVENT_TRADE: "trade"
        case TRELLIS_EVENT_QUOTE: "quote"
        case TRELLIS_EVENT_SIGNAL: "signal"
        case TRELLIS_EVENT_ORDER: "order"
        case TRELLIS_EVENT_ORDER_UPDATE: "order update"
        case TRELLIS_EVENT_FILL: "fill"
        case TRELLIS_EVENT_POSITION: "position"
        case TRELLIS_EVENT_ACCOUNT: "account"
        case TRELLIS_EVENT_TIMER: "timer"
        case TRELLIS_EVENT_CUSTOM: "custom"
        default: "type \(type)"
        }
    }
}
