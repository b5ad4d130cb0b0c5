import CTrellis

/// The 1.0 size of each event type: the host refuses smaller records, so readers can rely on
/// every 1.0 field being present.
enum EventLayout {
    static let minimumSize: [Int] = {
        var sizes = [Int](repeating: Int.max, count: 12)
        sizes[Int(TRELLIS_EVENT_BAR)] = MemoryLayout<trellis_bar>.size
        sizes[Int(TRELLIS_EVENT_TRADE)] = MemoryLayout<trellis_trade>.size
        sizes[Int(TRELLIS_EVENT_QUOTE)] = MemoryLayout<trellis_quote>.size
        sizes[Int(TRELLIS_EVENT_SIGNAL)] = MemoryLayout<trellis_signal>.size
        sizes[Int(TRELLIS_EVENT_ORDER)] = MemoryLayout<trellis_order>.size
        sizes[Int(TRELLIS_EVENT_ORDER_UPDATE)] = MemoryLayout<trellis_order_update>.size
        sizes[Int(TRELLIS_EVENT_FILL)] = MemoryLayout<trellis_fill>.size
        sizes[Int(TRELLIS_EVENT_POSITION)] = MemoryLayout<trellis_position>.size
        sizes[Int(TRELLIS_EVENT_ACCOUNT)] = MemoryLayout<trellis_account>.size
        sizes[Int(TRELLIS_EVENT_TIMER)] = MemoryLayout<trellis_timer>.size
        sizes[Int(TRELLIS_EVENT_CUSTOM)] = MemoryLayout<trellis_custom>.size
        return sizes
    }()

    /// Why `event` is not an acceptable record, or nil when it is.
    static func problem(with event: UnsafePointer<trellis_event_header>) -> String? {
        let type = Int(event.pointee.type), size = Int(event.pointee.size)
        guard type > 0, type < minimumSize.count else { return "unknown event type \(type); use a TRELLIS_EVENT_* value" }
        guard size >= minimumSize[type] else {
            let name = OrderChecks.typeName(UInt16(type))
            return "an event of type \(name) has header.size \(size); ABI 1.0 needs \(minimumSize[type]): "
                + "set header.size to the size of the whole struct, not of its header"
        }
        guard size <= Int(TRELLIS_EVENT_MAX_SIZE) else { return "event is \(size) bytes, more than TRELLIS_EVENT_MAX_SIZE" }
        if type == Int(TRELLIS_EVENT_CUSTOM) {
            let custom = UnsafeRawPointer(event).load(as: trellis_custom.self)
            guard size >= MemoryLayout<trellis_custom>.size + Int(custom.length) else { return "custom event length \(custom.length) exceeds its size \(size)" }
        }
        return nil
    }
}
