import Foundation
import TrellisSDK

/// No new entries for the rest of the day once the account has lost `max_loss_percent` of its
/// equity at the day's start, or `max_loss` in the account currency. Days start at
/// `day_starts_at` (UTC); the equity is the account's as the host marks it after each timestamp.
/// Exits and cancels always pass.
struct LossLimit: Node {
    static let descriptor = NodeDescriptor(
        type: "loss-limit", kind: .risk, version: "1.0.0",
        description: "No new entries for the rest of the day after a daily loss, in percent or currency (docs/risk.md).",
        parameters: """
            {
              "type": "object", "additionalProperties": false,
              "properties": {
                "max_loss_percent": {"type": "number", "exclusiveMinimum": 0, "maximum": 100,
                                     "description": "Daily loss, in percent of the equity at the day's start, that stops new entries."},
                "max_loss": {"type": "number", "exclusiveMinimum": 0, "description": "Daily loss in the account currency that stops new entries."},
                "day_starts_at": {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$", "default": "00:00",
                                  "description": "When a day starts, HH:MM in UTC."}
              }
            }
            """)

    static let dayLength: Int64 = 86_400_000_000_000

    let context: NodeContext
    let verdicts: RiskVerdicts
    let maxLossPercent: Double?
    let maxLoss: Double?
    /// Where the day starts, as an offset from midnight UTC.
    let dayOffset: Int64
    let dayStartText: String
    /// The day the equity below belongs to, its equity at the start, and the last equity seen.
    var day = Int64.min
    var startEquity = Double.nan
    var lastEquity = Double.nan
    /// The day the limit was reached (and logged) in, if any.
    var stoppedDay = Int64.min

    init(context: NodeContext, parameters: Parameters) throws(PluginError) {
        self.context = context
        guard let verdicts = context.risk() else { throw PluginError("the host offers no trellis.risk/1") }
        self.verdicts = verdicts
        maxLossPercent = try? parameters.number("max_loss_percent")
        maxLoss = try? parameters.number("max_loss")
        guard maxLossPercent != nil || maxLoss != nil else { throw PluginError("give max_loss_percent, max_loss or both") }
        dayStartText = try parameters.string("day_starts_at")
        let parts = dayStartText.split(separator: ":").compactMap { Int64($0) }
        dayOffset = (parts[0] * 60 + parts[1]) * 60_000_000_000
    }

    /// The day a timestamp belongs to; a step that ends right at the day's start is the day before.
    func dayOf(_ time: Int64) -> Int64 {
        let shifted = time - 1 - dayOffset
        return shifted >= 0 ? shifted / Self.dayLength : (shifted - Self.dayLength + 1) / Self.dayLength
    }

    /// Moves to the day of `time`: its start equity is the last equity of the day before.
    mutating func roll(to time: Int64) {
        let today = dayOf(time)
        guard today != day else { return }
        day = today
        startEquity = lastEquity
    }

    mutating func onAccount(_ account: Account) {
        if lastEquity.isNaN { lastEquity = account.equity }
        roll(to: account.header.ts_ns)
        lastEquity = account.equity
        if stoppedDay != day, let reason = breach() {
            stoppedDay = day
            context.log(.info, "\(reason); no new entries until the next day starts at \(dayStartText) UTC")
        }
    }

    mutating func onOrder(_ order: Order) {
        roll(to: context.now)
        guard order.action == TRELLIS_ACTION_NEW, ClosedTrades.opens(order), let reason = breach() else {
            verdicts.approve(order)
            return
        }
        verdicts.deny(order, reason: "\(reason); entries resume after \(DurationText.utc((day + 1) * Self.dayLength + dayOffset))")
    }

    /// Why the day's loss stops entries, or nil while it is within the limits. Runs after every
    /// timestamp: the text is made only when a limit is reached.
    func breach() -> String? {
        guard startEquity.isFinite, lastEquity.isFinite, startEquity > 0 else { return nil }
        let loss = startEquity - lastEquity
        let percent = loss / startEquity * 100
        let limit: String
        if let maxLoss, loss >= maxLoss {
            limit = String(format: "%.2f", maxLoss)
        } else if let maxLossPercent, percent >= maxLossPercent {
            limit = String(format: "%.2f%%", maxLossPercent)
        } else {
            return nil
        }
        return String(format: "daily loss %.2f (%.2f%%) reached the limit ", loss, percent) + limit
    }
}
