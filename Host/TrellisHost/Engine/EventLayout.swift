import CTrellis

/// The sizes of event records: the host refuses records smaller than their type's 1.0 size (so
/// every 1.0 field is there) and copies smaller records than it knows into zeroed space of the
/// size it knows, so a field a later minor version appended reads as zero (`knownSize`).
enum EventLayout {
    /// Each type's size in ABI 1.0, frozen: a 1.0 plugin's records are this long.
    static let minimumSize: [Int] = {
        var sizes = [Int](repeating: Int.max, count: 12)
        sizes[Int(TRELLIS_EVENT_BAR)] = 72
        sizes[Int(TRELLIS_EVENT_TRADE)] = 56
        sizes[Int(TRELLIS_EVENT_QUOTE)] = 56
        sizes[Int(TRELLIS_EVENT_SIGNAL)] = 72
        sizes[Int(TRELLIS_EVENT_ORDER)] = 88
        sizes[Int(TRELLIS_EVENT_ORDER_UPDATE)] = 176
        sizes[Int(TRELLIS_EVENT_FILL)] = 72
        sizes[Int(TRELLIS_EVENT_POSITION)] = 56
        sizes[Int(TRELLIS_EVENT_ACCOUNT)] = 56
        sizes[Int(TRELLIS_EVENT_TIMER)] = 40
        sizes[Int(TRELLIS_EVENT_CUSTOM)] = 32
        return sizes
    }()

    /// Each type's size in the header the host was built with (custom events: their header).
    static let knownSize: [Int] = {
        var sizes = [Int](repeating: 0, count: 12)
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
