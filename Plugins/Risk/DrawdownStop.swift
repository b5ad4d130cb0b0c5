import Foundation
import TrellisSDK

/// The emergency stop: once the account's equity falls `max_drawdown_percent` below its peak,
/// cancels the resting orders that passed this node, closes the positions of the nodes whose
/// orders pass it (`flatten`), and denies every new entry for the rest of the run.
struct DrawdownStop: Node {
    static let descriptor = NodeDescriptor(
        type: "drawdown-stop", kind: .risk, version: "1.0.0",
        description: "Flattens and stops new entries at a drawdown from the equity peak (docs/risk.md).",
        parameters: """
            {
              "type": "object", "additionalProperties": false, "required": ["max_drawdown_percent"],
              "properties": {
                "max_drawdown_percent": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 100,
                                         "description": "How far below its peak, in percent, the equity may fall."},
                "flatten": {"type": "boolean", "default": true,
                            "description": "Close the positions and cancel the resting orders of the nodes upstream when it stops."}
              }
            }
            """)

    let context: NodeContext
    let verdicts: RiskVerdicts
    let maxDrawdown: Double
    let flatten: Bool
    var book = PathBook()
    var peak = -Double.infinity
    /// Why it stopped, once it has.
    var stopped: String?

    init(context: NodeContext, parameters: Parameters) throws(PluginError) {
        self.context = context
        guard let verdicts = context.risk() else { throw PluginError("the host offers no trellis.risk/1") }
        self.verdicts = verdicts
        maxDrawdown = try parameters.number("max_drawdown_percent")
        flatten = try parameters.bool("flatten")
    }

    mutating func onAccount(_ account: Account) {
        peak = max(peak, account.equity)
        guard stopped == nil, peak > 0 else { return }
        let drawdown = (1 - account.equity / peak) * 100
        guard drawdown >= maxDrawdown else { return }
        let reason = String(format: "drawdown stop: equity %.2f is %.2f%% below its peak %.2f", account.equity, drawdown, peak)
        stopped = reason
        context.log(.warning, "\(reason); \(flatten ? "flattening, and " : "")no new entries for the rest of the run")
        guard flatten else { return }
        for order in book.resting.keys.sorted(by: { ($0.origin, $0.orderID) < ($1.origin, $1.orderID) }) {
            verdicts.cancel(origin: order.origin, orderID: order.orderID, reason: reason)
        }
        for key in book.held.keys.sorted(by: { ($0.origin, $0.instrument) < ($1.origin, $1.instrument) }) {
            verdicts.closePosition(origin: key.origin, instrument: key.instrument, reason: reason)
        }
    }

    mutating func onOrder(_ order: Order) {
        guard order.action == TRELLIS_ACTION_NEW, ClosedTrades.opens(order), let stopped else {
            verdicts.approve(order)
            return
        }
        verdicts.deny(order, reason: stopped)
    }

    mutating func onFill(_ fill: Fill) { book.apply(fill) }
    mutating func onOrderUpdate(_ update: OrderUpdate) { book.apply(update) }
}
