import TrellisSDK

/// Buys after `streak` rising closes in a row, sells on the first falling close.
struct Streak: Node {
    static let descriptor = NodeDescriptor(
        type: "streak", kind: .strategy, version: "1.0.0",
        description: "Buys after a run of rising closes, sells on the first falling close.",
        parameters: """
            {"type": "object", "additionalProperties": false, "properties": {
              "streak": {"type": "integer", "minimum": 1, "default": 3},
              "quantity": {"type": "number", "exclusiveMinimum": 0, "default": 10}}}
            """)

    let context: NodeContext
    let needed: Int
    let quantity: Double
    var rising = 0
    var last = 0.0
    var holding = false

    init(context: NodeContext, parameters: Parameters) throws(PluginError) {
        self.context = context
        needed = try parameters.integer("streak")
        quantity = try parameters.number("quantity")
    }

    mutating func onBar(_ bar: Bar) {
        rising = bar.close > last ? rising + 1 : 0
        if !holding && rising >= needed {
            context.emit(Order(instrument: bar.header.instrument, side: .buy, quantity: quantity))
            holding = true
        } else if holding && bar.close < last {
            context.emit(Order.closePosition(instrument: bar.header.instrument, side: .sell))
            holding = false
        }
        last = bar.close
    }
}

@c(trellis_plugin_entry)
public func trellisPluginEntry(_ info: UnsafePointer<trellis_loader_info>?) -> UnsafePointer<trellis_plugin>? {
    Plugin.entry(info, id: "streak-swift", version: "1.0.0", description: "My first Trellis plugin.", nodes: [Streak.self])
}
