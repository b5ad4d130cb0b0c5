import TrellisSDK

/// A hostile strategy: on every bar it sends `per_bar` random order intents from a seeded
/// generator — any side, type, size and price, cancels and closes among them. Sizes go from 1 to
/// absurd (1e17, 1e300) and include NaN, ±infinity, zero and negatives; prices lie near or far
/// from the market or are NaN, infinite, zero or negative. With `modes: all` the size mode is
/// drawn too (units, equity, notional); else it is units. Each order's size mode, size and the
/// price its notional is judged at are noted (`TestNodes.orderNotes`) for the property tests.
struct TestHostile: Node {
    static let descriptor = NodeDescriptor(
        type: "test-hostile", kind: .strategy, version: "1.0.0", description: "Sends random order intents.",
        parameters:
            #"{"type": "object", "additionalProperties": false, "properties": {"tag": {"type": "string"}, "seed": {"type": "integer", "default": 1}, "per_bar": {"type": "integer", "default": 5}, "modes": {"enum": ["units", "all"], "default": "units"}}}"#
    )

    let context: NodeContext
    let key: String
    let perBar: Int
    let allModes: Bool
    var generator: SeededRandom
    var nextID: UInt64 = 1

    init(context: NodeContext, parameters: Parameters) throws(PluginError) {
        self.context = context
        key = "\(try parameters.string("tag"))/\(context.name)"
        generator = SeededRandom(seed: UInt64(try parameters.integer("seed")))
        perBar = try parameters.integer("per_bar")
        allModes = try parameters.string("modes") == "all"
    }

    mutating func random() -> Double { generator.unit() }

    mutating func pick(_ values: [Double]) -> Double { values[Int(random() * Double(values.count))] }

    mutating func onEvent(_ event: Event) {
        TestNodes.record(key, nodeID: context.nodeID, event)
        guard let bar = event.record(Bar.self) else { return }
        for _ in 0..<perBar {
            let id = nextID
            nextID += 1
            let roll = random()
            if roll < 0.1, id > 1 {
                context.emit(Order.cancel(instrument: bar.header.instrument, orderID: UInt64(1 + random() * Double(id - 1))))
                continue
            }
            let side: Side = random() < 0.5 ? .buy : .sell
            if roll < 0.15 {
                context.emit(Order.closePosition(instrument: bar.header.instrument, side: side, orderID: id))
                continue
            }
            let types = [TRELLIS_ORDER_MARKET, TRELLIS_ORDER_LIMIT, TRELLIS_ORDER_STOP, TRELLIS_ORDER_STOP_LIMIT]
            let type = types[Int(random() * 4)]
            let mode = allModes ? [TRELLIS_SIZE_UNITS, TRELLIS_SIZE_EQUITY, TRELLIS_SIZE_NOTIONAL][Int(random() * 3)] : TRELLIS_SIZE_UNITS
            let hostile: [Double] = [.nan, .infinity, -.infinity, -3, 0, 1e-300, 1e15, 1e17, 1e300]
            let sane: [Double] =
                switch mode {
                case TRELLIS_SIZE_EQUITY: [0.01, 0.1, 0.5, 1, 3]
                case TRELLIS_SIZE_NOTIONAL: [100, 1000, 2999, 5000, 1e6]
                default: [1, 5, 20, 100, 10_000]
                }
            let size = random() < 0.3 ? pick(hostile) : pick(sane)
            let offset = pick([0.001, 0.02, 0.3, 5]) * (random() < 0.5 ? -1 : 1)
            let price = random() < 0.15 ? pick([.nan, .infinity, 0, -bar.close, 1e13, 1e300]) : bar.close * (1 + offset)
            let reference = type == TRELLIS_ORDER_MARKET ? bar.close : price
            TestNodes.noteOrder(key, id: id, TestNodes.OrderNote(mode: mode, size: size, price: reference))
            context.emit(
                Order(
                    instrument: bar.header.instrument, side: side, quantity: size, orderID: id, type: type, sizeMode: mode,
                    limitPrice: type == TRELLIS_ORDER_MARKET || type == TRELLIS_ORDER_STOP ? 0 : price,
                    stopPrice: type == TRELLIS_ORDER_STOP || type == TRELLIS_ORDER_STOP_LIMIT ? price : 0))
        }
    }
}
