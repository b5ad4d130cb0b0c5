import CTrellis

/// The numbers in a plugin's event, checked before the host takes it: NaN, infinity and values
/// beyond `NumericBounds` are refused with the field's name, so no event can switch a limit off
/// or make the accounting non-finite.
enum EventValues {
    /// One number field of an event type: its name, where it is, and the most it may hold.
    struct Field {
        let name: String
        let offset: Int
        let bound: Double
    }

    /// Why the numbers of `event` (already checked for layout) are unacceptable, or nil.
    @inline(__always)
    static func problem(with event: UnsafePointer<trellis_event_header>) -> String? {
        let type = Int(event.pointee.type)
        guard type < fields.count else { return nil }
        let raw = UnsafeRawPointer(event)
        for field in fields[type] where !NumericBounds.fits(raw.load(fromByteOffset: field.offset, as: Double.self), field.bound) {
            let value = raw.load(fromByteOffset: field.offset, as: Double.self)
            guard value.isFinite else { return "\(field.name) is \(value); NaN and infinity are refused" }
            return "\(field.name) \(NumberFormat.compact(value)) is beyond ±\(NumericBounds.words(field.bound)), the most the host accepts (docs/limits.md)"
        }
        return nil
    }

    /// The number fields of each event type, by type.
    static let fields: [[Field]] = {
        let (price, quantity, money, any) = (NumericBounds.price, NumericBounds.quantity, NumericBounds.money, Double.greatestFiniteMagnitude)
        func of<Record>(_ type: Record.Type, _ list: [(String, PartialKeyPath<Record>, Double)]) -> [Field] {
            list.map { Field(name: $0.0, offset: MemoryLayout<Record>.offset(of: $0.1)!, bound: $0.2) }
        }
        var fields = [[Field]](repeating: [], count: Int(TRELLIS_EVENT_CUSTOM) + 1)
        fields[Int(TRELLIS_EVENT_BAR)] = of(
            trellis_bar.self,
            [("open", \.open, price), ("high", \.high, price), ("low", \.low, price), ("close", \.close, price), ("volume", \.volume, quantity)])
        fields[Int(TRELLIS_EVENT_TRADE)] = of(trellis_trade.self, [("price", \.price, price), ("quantity", \.quantity, quantity)])
        fields[Int(TRELLIS_EVENT_QUOTE)] = of(
            trellis_quote.self, [("bid", \.bid, price), ("ask", \.ask, price), ("bid_size", \.bid_size, quantity), ("ask_size", \.ask_size, quantity)])
        fields[Int(TRELLIS_EVENT_SIGNAL)] = of(trellis_signal.self, [("value", \.value, any), ("confidence", \.confidence, any)])
        fields[Int(TRELLIS_EVENT_ORDER)] = of(
            trellis_order.self, [("quantity", \.quantity, quantity), ("limit_price", \.limit_price, price), ("stop_price", \.stop_price, price)])
        fields[Int(TRELLIS_EVENT_ORDER_UPDATE)] = of(
            trellis_order_update.self,
            [("quantity", \.quantity, quantity), ("filled_quantity", \.filled_quantity, quantity), ("average_price", \.average_price, price)])
        fields[Int(TRELLIS_EVENT_FILL)] = of(
            trellis_fill.self,
            [("quantity", \.quantity, quantity), ("price", \.price, price), ("commission", \.commission, money), ("position", \.position, quantity)])
        fields[Int(TRELLIS_EVENT_POSITION)] = of(
            trellis_position.self,
            [
                ("quantity", \.quantity, quantity), ("average_price", \.average_price, price), ("realized_pnl", \.realized_pnl, money),
                ("unrealized_pnl", \.unrealized_pnl, money),
            ])
        fields[Int(TRELLIS_EVENT_ACCOUNT)] = of(
            trellis_account.self,
            [("cash", \.cash, money), ("equity", \.equity, money), ("realized_pnl", \.realized_pnl, money), ("commission", \.commission, money)])
        return fields
    }()
}
