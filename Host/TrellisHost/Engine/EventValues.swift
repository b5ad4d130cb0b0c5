import CTrellis

/// The numbers in a plugin's event, checked before the host takes it: NaN, infinity and values
/// beyond `NumericBounds` are refused with the field's name, so no event can switch a limit off
/// or make the accounting non-finite.
enum EventValues {
    /// Why the numbers of `event` (already checked for layout) are unacceptable, or nil.
    static func problem(with event: UnsafePointer<trellis_event_header>) -> String? {
        let raw = UnsafeRawPointer(event)
        let (price, quantity, money) = (NumericBounds.price, NumericBounds.quantity, NumericBounds.money)
        switch Int32(event.pointee.type) {
        case TRELLIS_EVENT_BAR:
            let bar = raw.load(as: trellis_bar.self)
            return NumericBounds.fits(bar.open, price) && NumericBounds.fits(bar.high, price) && NumericBounds.fits(bar.low, price)
                && NumericBounds.fits(bar.close, price) && NumericBounds.fits(bar.volume, quantity)
                ? nil
                : check([
                    ("open", bar.open, price), ("high", bar.high, price), ("low", bar.low, price), ("close", bar.close, price),
                    ("volume", bar.volume, quantity),
                ])
        case TRELLIS_EVENT_TRADE:
            let trade = raw.load(as: trellis_trade.self)
            return NumericBounds.fits(trade.price, price) && NumericBounds.fits(trade.quantity, quantity)
                ? nil : check([("price", trade.price, price), ("quantity", trade.quantity, quantity)])
        case TRELLIS_EVENT_QUOTE:
            let quote = raw.load(as: trellis_quote.self)
            return NumericBounds.fits(quote.bid, price) && NumericBounds.fits(quote.ask, price) && NumericBounds.fits(quote.bid_size, quantity)
                && NumericBounds.fits(quote.ask_size, quantity)
                ? nil
                : check([("bid", quote.bid, price), ("ask", quote.ask, price), ("bid_size", quote.bid_size, quantity), ("ask_size", quote.ask_size, quantity)])
        case TRELLIS_EVENT_SIGNAL:
            let signal = raw.load(as: trellis_signal.self)
            return NumericBounds.fits(signal.value, .greatestFiniteMagnitude) && NumericBounds.fits(signal.confidence, .greatestFiniteMagnitude)
                ? nil : check([("value", signal.value, .greatestFiniteMagnitude), ("confidence", signal.confidence, .greatestFiniteMagnitude)])
        case TRELLIS_EVENT_ORDER:
            let order = raw.load(as: trellis_order.self)
            return NumericBounds.fits(order.quantity, quantity) && NumericBounds.fits(order.limit_price, price) && NumericBounds.fits(order.stop_price, price)
                ? nil : check([("quantity", order.quantity, quantity), ("limit_price", order.limit_price, price), ("stop_price", order.stop_price, price)])
        case TRELLIS_EVENT_ORDER_UPDATE:
            let update = raw.load(as: trellis_order_update.self)
            return NumericBounds.fits(update.quantity, quantity) && NumericBounds.fits(update.filled_quantity, quantity)
                && NumericBounds.fits(update.average_price, price)
                ? nil
                : check([
                    ("quantity", update.quantity, quantity), ("filled_quantity", update.filled_quantity, quantity),
                    ("average_price", update.average_price, price),
                ])
        case TRELLIS_EVENT_FILL:
            let fill = raw.load(as: trellis_fill.self)
            return NumericBounds.fits(fill.quantity, quantity) && NumericBounds.fits(fill.price, price) && NumericBounds.fits(fill.commission, money)
                && NumericBounds.fits(fill.position, quantity)
                ? nil
                : check([
                    ("quantity", fill.quantity, quantity), ("price", fill.price, price), ("commission", fill.commission, money),
                    ("position", fill.position, quantity),
                ])
        case TRELLIS_EVENT_POSITION:
            let position = raw.load(as: trellis_position.self)
            return NumericBounds.fits(position.quantity, quantity) && NumericBounds.fits(position.average_price, price)
                && NumericBounds.fits(position.realized_pnl, money) && NumericBounds.fits(position.unrealized_pnl, money)
                ? nil
                : check([
                    ("quantity", position.quantity, quantity), ("average_price", position.average_price, price), ("realized_pnl", position.realized_pnl, money),
                    ("unrealized_pnl", position.unrealized_pnl, money),
                ])
        case TRELLIS_EVENT_ACCOUNT:
            let account = raw.load(as: trellis_account.self)
            return NumericBounds.fits(account.cash, money) && NumericBounds.fits(account.equity, money) && NumericBounds.fits(account.realized_pnl, money)
                && NumericBounds.fits(account.commission, money)
                ? nil
                : check([
                    ("cash", account.cash, money), ("equity", account.equity, money), ("realized_pnl", account.realized_pnl, money),
                    ("commission", account.commission, money),
                ])
        default:
            return nil
        }
    }

    private static func check(_ fields: [(name: String, value: Double, bound: Double)]) -> String? {
        for field in fields where !NumericBounds.fits(field.value, field.bound) {
            guard field.value.isFinite else { return "\(field.name) is \(field.value); NaN and infinity are refused" }
            return
                "\(field.name) \(NumberFormat.compact(field.value)) is beyond ±\(NumericBounds.words(field.bound)), the most the host accepts (docs/limits.md)"
        }
        return nil
    }
}
