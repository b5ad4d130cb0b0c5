import TrellisSDK

/// Closes a position, on behalf of the node that holds it, once it has been open (pointing the
/// same way) for `max_holding`; checked after each timestamp of the market. The holder's orders
/// resting in that instrument are canceled first, so a take-profit cannot fill after the close
/// and open the other way.
struct MaxHolding: Node {
    static let descriptor = NodeDescriptor(
        type: "max-holding", kind: .risk, version: "1.0.0",
        description: "Closes positions held longer than a maximum time (docs/risk.md).",
        parameters: """
            {
              "type": "object", "additionalProperties": false, "required": ["max_holding"],
              "properties": {
                "max_holding": {"type": "string", "pattern": "^[0-9.]+[mhd]$", "description": "The longest a position may stay open: 30m, 4h, 2d."}
              }
            }
            """)

    let context: NodeContext
    let verdicts: RiskVerdicts
    let maxHolding: Int64
    var book = PathBook()
    /// Positions already sent a close, by when they opened: closed once, not on every step.
    var closing: [PathBook.Key: Int64] = [:]

    init(context: NodeContext, parameters: Parameters) throws(PluginError) {
        self.context = context
        guard let verdicts = context.risk() else { throw PluginError("the host offers no trellis.risk/1") }
        self.verdicts = verdicts
        let text = try parameters.string("max_holding")
        guard let value = DurationText.nanoseconds(text) else {
            throw PluginError("max_holding '\(text)' is not a duration of at most 100 years; write 30m, 4h or 2d")
        }
        guard value > 0 else { throw PluginError("max_holding must be longer than 0; write 30m, 4h or 2d") }
        maxHolding = value
    }

    mutating func onAccount(_ account: Account) {
        let now = account.header.ts_ns
        for (key, held) in book.held.sorted(by: { ($0.key.origin, $0.key.instrument) < ($1.key.origin, $1.key.instrument) })
        where now - held.since >= maxHolding && closing[key] != held.since {
            closing[key] = held.since
            let reason = "max holding: open \(DurationText.text(now - held.since)), limit \(DurationText.text(maxHolding))"
            let symbol = context.instrument(key.instrument)?.symbol.text ?? "instrument \(key.instrument)"
            context.log(.info, "closes a \(symbol) position: \(reason)")
            for (order, instrument) in book.resting.sorted(by: { ($0.key.origin, $0.key.orderID) < ($1.key.origin, $1.key.orderID) })
            where order.origin == key.origin && instrument == key.instrument {
                verdicts.cancel(origin: order.origin, orderID: order.orderID, reason: reason)
            }
            verdicts.closePosition(origin: key.origin, instrument: key.instrument, reason: reason)
        }
    }

    mutating func onOrder(_ order: Order) { verdicts.approve(order) }
    mutating func onFill(_ fill: Fill) { book.apply(fill) }
    mutating func onOrderUpdate(_ update: OrderUpdate) { book.apply(update) }
}
