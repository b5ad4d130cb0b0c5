/// An event struct of the C ABI: a flat record that starts with `trellis_event_header`.
public protocol EventRecord {
    /// The `TRELLIS_EVENT_*` value of this record type.
    static var eventType: UInt16 { get }
}

extension EventRecord {
    /// A header for a record of this type, sized to the struct this SDK was built with.
    @inlinable
    public static func header(instrument: UInt32 = 0, timestamp: Int64 = 0) -> trellis_event_header {
        trellis_event_header(
            size: UInt32(MemoryLayout<Self>.size), type: eventType, flags: 0, ts_ns: timestamp,
            instrument: instrument, source: 0)
    }
}

extension trellis_bar: EventRecord {
    @inlinable public static var eventType: UInt16 { UInt16(TRELLIS_EVENT_BAR) }
}
extension trellis_trade: EventRecord {
    @inlinable public static var eventType: UInt16 { UInt16(TRELLIS_EVENT_TRADE) }
}
extension trellis_quote: EventRecord {
    @inlinable public static var eventType: UInt16 { UInt16(TRELLIS_EVENT_QUOTE) }
}
extension trellis_signal: EventRecord {
    @inlinable public static var eventType: UInt16 { UInt16(TRELLIS_EVENT_SIGNAL) }
}
extension trellis_order: EventRecord {
    @inlinable public static var eventType: UInt16 { UInt16(TRELLIS_EVENT_ORDER) }
}
extension trellis_order_update: EventRecord {
    @inlinable public static var eventType: UInt16 { UInt16(TRELLIS_EVENT_ORDER_UPDATE) }
}
extension trellis_fill: EventRecord {
    @inlinable public static var eventType: UInt16 { UInt16(TRELLIS_EVENT_FILL) }
}
extension trellis_position: EventRecord {
    @inlinable public static var eventType: UInt16 { UInt16(TRELLIS_EVENT_POSITION) }
}
extension trellis_account: EventRecord {
    @inlinable public static var eventType: UInt16 { UInt16(TRELLIS_EVENT_ACCOUNT) }
}
extension trellis_timer: EventRecord {
    @inlinable public static var eventType: UInt16 { UInt16(TRELLIS_EVENT_TIMER) }
}
extension trellis_custom: EventRecord {
    @inlinable public static var eventType: UInt16 { UInt16(TRELLIS_EVENT_CUSTOM) }
}
