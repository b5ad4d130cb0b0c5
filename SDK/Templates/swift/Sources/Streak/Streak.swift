import TrellisSDK

/// Buys after `streak` rising closes in a row, sells on the first falling close.
struct Streak: Node {
    static let descriptor = NodeDescriptor(
        type: "streak", kind: .strategy, version: "1.0.0",
        description: "Buys after a run of rising closes, sells on the first falling close.",
        parameters: """
            {"type": "object", "additionalProperties": false, "properties": {
              "streak": {"type": "integer", "minimum": 1, "maximum": 100000, "default": 3},
              "quantity": {"type": "number", "exclusiveMinimum": 0, "default": 10}}}
            """)

    let context: NodeContext
    let needed: Int
    let quantity: Double
    var rising = 0
    var last = 0.0
    var position = 0.0
    var pending = false  // an order is on its way: wait for its outcome

    init(context: NodeContext, parameters: Parameters) throws(PluginError) {
        self.context = context
        needed = try parameters.integer("streak")
        quantity = try parameters.number("quantity")
    }

    mutating func onBar(_ bar: Bar) {
        rising = bar.close > last ? rising + 1 : 0
        if !pending && position == 0 && rising >= needed {
            pending = context.emit(Order(instrument: bar.header.instrument, side: .buy, quantity: quantity)) == TRELLIS_OK
        } else if !pending && position > 0 && bar.close < last {
            pending = context.emit(Order.closePosition(instrument: bar.header.instrument, side: .sell)) == TRELLIS_OK
        }
        last = bar.close
    }

    mutating func onFill(_ fill: Fill) {
        position = fill.position  // our position after the fill
    }

    mutating func onOrderUpdate(_ update: OrderUpdate) {
        if update.status != TRELLIS_ORDER_ACCEPTED && update.status != TRELLIS_ORDER_PARTIALLY_FILLED { pending = false }
    }
}

@c(trellis_plugin_entry)
public func trellisPluginEntry(_ info: UnsafePointer<trellis_loader_info>?) -> UnsafePointer<trellis_plugin>? {
    Plugin.entry(info, id: "streak-swift", version: "1.0.0", description: "My first Trellis plugin.", nodes: [Streak.self])
}
