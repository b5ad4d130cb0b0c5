import Foundation
import TrellisSDK

/// Sizes every order that opens or adds to a position: a fixed fraction of equity, a fixed
/// amount, or fractional Kelly from the node's own closed trades (f* = p − (1 − p) / b, scaled
/// by `kelly_scale`, capped at `max_fraction`; `fraction` until `min_trades` trades have
/// closed). Orders that reduce or close pass unchanged.
struct PositionSizing: Node {
    static let descriptor = NodeDescriptor(
        type: "sizing", kind: .risk, version: "1.0.0", description: "Position sizing: fixed fraction, fractional Kelly or fixed amount (docs/risk.md).",
        parameters: """
            {
              "type": "object", "additionalProperties": false,
              "properties": {
                "method": {"enum": ["fixed-fraction", "kelly", "fixed-amount"], "default": "fixed-fraction"},
                "fraction": {"type": "number", "exclusiveMinimum": 0, "maximum": 1, "default": 0.1,
                             "description": "Of equity per order: fixed-fraction always, kelly until min_trades trades have closed."},
                "kelly_scale": {"type": "number", "exclusiveMinimum": 0, "maximum": 1, "default": 0.5, "description": "kelly: the share of f* to bet (0.5: half Kelly)."},
                "max_fraction": {"type": "number", "exclusiveMinimum": 0, "maximum": 1, "default": 0.25, "description": "kelly: the largest fraction of equity."},
                "min_trades": {"type": "integer", "minimum": 1, "maximum": 100000, "default": 20, "description": "kelly: closed trades needed before f* is used."},
                "amount": {"type": "number", "exclusiveMinimum": 0, "description": "fixed-amount: the notional of each order, in the account currency."}
              }
            }
            """)

    let context: NodeContext
    let verdicts: RiskVerdicts
    let method: String
    let fraction: Double
    let kellyScale: Double
    let maxFraction: Double
    let minTrades: Int
    let amount: Double
    var trades = ClosedTrades()

    init(context: NodeContext, parameters: Parameters) throws(PluginError) {
        self.context = context
        guard let verdicts = context.risk() else { throw PluginError("the host offers no trellis.risk/1") }
        self.verdicts = verdicts
        method = try parameters.string("method")
        fraction = try parameters.number("fraction")
        kellyScale = try parameters.number("kelly_scale")
        maxFraction = try parameters.number("max_fraction")
        minTrades = try parameters.integer("min_trades")
        if method == "fixed-amount" {
            guard let given = try? parameters.number("amount") else { throw PluginError("amount is needed with method: fixed-amount") }
            amount = given
        } else {
            amount = 0
        }
    }

    mutating func onOrder(_ order: Order) {
        guard order.action == TRELLIS_ACTION_NEW, ClosedTrades.opens(order) else {
            verdicts.approve(order)
            return
        }
        switch method {
        case "fixed-amount":
            verdicts.approve(order, quantity: amount, sizeMode: TRELLIS_SIZE_NOTIONAL)
        case "kelly":
            let (size, why) = kellyFraction()
            if size > 0 {
                verdicts.approve(order, quantity: size, sizeMode: TRELLIS_SIZE_EQUITY)
            } else {
                verdicts.deny(order, reason: "Kelly sizing: no edge (\(why))")
            }
        default:
            verdicts.approve(order, quantity: fraction, sizeMode: TRELLIS_SIZE_EQUITY)
        }
    }

    mutating func onFill(_ fill: Fill) { trades.apply(fill) }

    /// The fraction of equity Kelly gives now, and how it was found.
    func kellyFraction() -> (Double, String) {
        let returns = trades.returns
        guard returns.count >= minTrades else { return (fraction, "\(returns.count) of \(minTrades) trades") }
        let wins = returns.filter { $0 > 0 }, losses = returns.filter { $0 <= 0 }
        let p = Double(wins.count) / Double(returns.count)
        guard !losses.isEmpty else { return (maxFraction, "no losing trade") }
        let averageLoss = -losses.reduce(0, +) / Double(losses.count)
        let averageWin = wins.isEmpty ? 0 : wins.reduce(0, +) / Double(wins.count)
        guard averageLoss > 0, averageWin > 0 else { return (0, String(format: "p %.2f, no winning trade", p)) }
        let b = averageWin / averageLoss
        let kelly = p - (1 - p) / b
        return (min(maxFraction, max(0, kellyScale * kelly)), String(format: "p %.2f, b %.2f, f* %.3f", p, b, kelly))
    }
}
