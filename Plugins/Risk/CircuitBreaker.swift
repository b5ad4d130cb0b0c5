import TrellisSDK

/// After `losses` losing trades in a row, no new entries for a cooldown that doubles each time
/// the breaker trips, up to `max_cooldown`; after `reset_after` without a trip, the next trip
/// starts from `cooldown` again. Orders that reduce or close always pass; so do cancels.
struct CircuitBreaker: Node {
    static let descriptor = NodeDescriptor(
        type: "circuit-breaker", kind: .risk, version: "1.0.0",
        description: "No new entries after consecutive losses, for a growing cooldown (docs/risk.md).",
        parameters: """
            {
              "type": "object", "additionalProperties": false,
              "properties": {
                "losses": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 3, "description": "Losing trades in a row that trip the breaker."},
                "cooldown": {"type": "string", "pattern": "^[0-9.]+[mhd]$", "default": "1d", "description": "How long the first trip blocks entries: 30m, 4h, 2d."},
                "max_cooldown": {"type": "string", "pattern": "^[0-9.]+[mhd]$", "default": "8d", "description": "The longest a cooldown grows to."},
                "reset_after": {"type": "string", "pattern": "^[0-9.]+[mhd]$", "default": "10d",
                                "description": "Quiet time after a cooldown ends that sets the next cooldown back to the first."}
              }
            }
            """)

    let context: NodeContext
    let verdicts: RiskVerdicts
    let losses: Int
    let cooldown: Int64
    let maxCooldown: Int64
    let resetAfter: Int64
    var trades = ClosedTrades()
    var lossesInARow = 0
    /// Trips since the last reset, and until when entries are blocked.
    var trips = 0
    var blockedUntil = Int64.min

    init(context: NodeContext, parameters: Parameters) throws(PluginError) {
        self.context = context
        guard let verdicts = context.risk() else { throw PluginError("the host offers no trellis.risk/1") }
        self.verdicts = verdicts
        losses = try parameters.integer("losses")
        func duration(_ key: String) throws(PluginError) -> Int64 {
            let text = try parameters.string(key)
            guard let value = DurationText.nanoseconds(text) else {
                throw PluginError("\(key) '\(text)' is not a duration of at most 100 years; write 30m, 4h or 2d")
            }
            return value
        }
        cooldown = try duration("cooldown")
        maxCooldown = try duration("max_cooldown")
        resetAfter = try duration("reset_after")
        guard maxCooldown >= cooldown else { throw PluginError("max_cooldown must be at least cooldown") }
    }

    mutating func onOrder(_ order: Order) {
        let now = context.now
        guard order.action == TRELLIS_ACTION_NEW, ClosedTrades.opens(order), now < blockedUntil else {
            verdicts.approve(order)
            return
        }
        verdicts.deny(
            order,
            reason: "circuit breaker: \(losses) losing trades in a row; no new entries for \(DurationText.text(blockedUntil - now)) more (trip \(trips))")
    }

    mutating func onFill(_ fill: Fill) {
        guard let closed = trades.apply(fill) else { return }
        guard closed <= 0 else {
            lossesInARow = 0
            return
        }
        lossesInARow += 1
        guard lossesInARow >= losses else { return }
        let now = context.now
        if trips > 0, now.subtractingReportingOverflow(blockedUntil).partialValue >= resetAfter { trips = 0 }
        trips += 1
        var length = cooldown
        for _ in 1..<trips where length < maxCooldown { length = length > maxCooldown / 2 ? maxCooldown : length * 2 }
        length = min(length, maxCooldown)
        let (end, overflow) = now.addingReportingOverflow(length)
        blockedUntil = overflow ? .max : end
        lossesInARow = 0
        context.log(.info, "circuit breaker trips (\(trips)): \(losses) losing trades in a row; no new entries for \(DurationText.text(length))")
    }
}
