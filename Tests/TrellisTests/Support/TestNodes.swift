import Foundation
import Synchronization
import TrellisHost
import TrellisSDK

/// Node types for engine tests, exported through the Swift SDK and registered in-process, so
/// they cross the same C ABI as any plugin. Each records what it receives under "tag/name".
enum TestNodes {
    /// The test plugin, registered once.
    static let plugin: LoadedPlugin = {
        do {
            return try PluginLoader.register(testNodesEntry, name: "test-nodes")
        } catch {
            preconditionFailure("the test nodes must load: \(error)")
        }
    }()

    /// What one node received.
    struct Received: Sendable {
        var type: UInt16
        var source: UInt32
        var time: Int64
        var origin: UInt32 = 0
        var orderID: UInt64 = 0
        var status: Int32 = 0
        var reporter: UInt32 = 0
        var label = ""
        var scheduled: Int64 = 0
        var reasonCode: Int32 = 0
        var quantity = 0.0
        var price = 0.0
        var commission = 0.0
        var filled = 0.0
        /// A signal's confidence (its value is in `price`).
        var confidence = 0.0
        /// A feature vector's values, flags and names hash; or the names of a names event.
        var features: [Double] = []
        var featureFlags: UInt32 = 0
        var namesHash: UInt64 = 0
        var featureNames: [String] = []
    }

    struct Log: Sendable {
        var nodeID: UInt32 = 0
        var events: [Received] = []

        func of(_ type: Int32) -> [Received] { events.filter { $0.type == UInt16(type) } }
    }

    private static let logs = Mutex<[String: Log]>([:])
    private static let statusLog = Mutex<[String: [String: Int32]]>([:])
    private static let orderLog = Mutex<[String: [UInt64: OrderNote]]>([:])

    /// What a hostile node asked for in one order: its size mode, size, and the price its
    /// notional is judged at.
    struct OrderNote: Sendable {
        var mode: Int32
        var size: Double
        var price: Double
    }

    static func noteOrder(_ key: String, id: UInt64, _ note: OrderNote) { orderLog.withLock { $0[key, default: [:]][id] = note } }

    /// The orders test-hostile node `name` sent in the run tagged `tag`, by order id.
    static func orderNotes(_ tag: String, _ name: String) -> [UInt64: OrderNote] { orderLog.withLock { $0["\(tag)/\(name)"] ?? [:] } }

    /// Statuses `emit` returned to a test-rogue node, by attempt.
    static func statuses(_ tag: String, _ name: String) -> [String: Int32] { statusLog.withLock { $0["\(tag)/\(name)"] ?? [:] } }

    static func note(_ key: String, _ attempt: String, _ status: Int32) {
        statusLog.withLock { $0[key, default: [:]][attempt] = status }
    }

    /// What node `name` received in the run tagged `tag`.
    static func log(_ tag: String, _ name: String) -> Log { logs.withLock { $0["\(tag)/\(name)"] ?? Log() } }

    static func record(_ key: String, nodeID: UInt32, _ event: Event) {
        var received = Received(type: event.type, source: event.source, time: event.timestamp)
        if let fill = event.record(Fill.self) {
            (received.origin, received.orderID, received.quantity) = (fill.origin, fill.order_id, fill.quantity)
            (received.price, received.commission) = (fill.price, fill.commission)
        } else if let update = event.record(OrderUpdate.self) {
            (received.origin, received.orderID, received.status, received.reporter) = (update.origin, update.order_id, update.status, update.reporter)
            (received.reasonCode, received.quantity) = (update.reason_code, update.quantity)
            (received.filled, received.price) = (update.filled_quantity, update.average_price)
        } else if let order = event.record(Order.self) {
            (received.origin, received.orderID) = (order.origin, order.order_id)
        } else if let signal = event.record(Signal.self) {
            (received.label, received.price, received.confidence) = (signal.labelText, signal.value, signal.confidence)
        } else if let timer = event.record(TimerEvent.self) {
            received.scheduled = timer.scheduled_ns
        } else if let vector = event.featureVector {
            (received.features, received.featureFlags, received.namesHash) = (Array(vector.values), vector.flags, vector.namesHash)
        } else if let names = event.featureNames {
            (received.featureNames, received.namesHash) = names
        }
        logs.withLock { logs in
            logs[key, default: Log()].nodeID = nodeID
            logs[key, default: Log()].events.append(received)
        }
    }
}

/// Emits a signal per bar: `labels[(bar / period) % labels.count]`.
struct TestModel: Node {
    static let descriptor = NodeDescriptor(
        type: "test-model", kind: .model, version: "1.0.0", description: "Emits a label per bar.",
        parameters:
            #"{"type": "object", "additionalProperties": false, "properties": {"tag": {"type": "string"}, "labels": {"type": "array", "items": {"type": "string"}, "default": ["on", "off"]}, "period": {"type": "integer", "minimum": 1, "default": 3}}}"#
    )

    let context: NodeContext
    let key: String
    let labels: [String]
    let period: Int
    var bars = 0

    init(context: NodeContext, parameters: Parameters) throws(PluginError) {
        self.context = context
        key = "\(try parameters.string("tag"))/\(context.name)"
        let json = parameters.json
        labels = json.contains("\"labels\":[") ? TestModel.strings(in: json, after: "\"labels\":[") : ["on", "off"]
        period = try parameters.integer("period")
    }

    /// The strings of a JSON array of strings starting after `marker` (enough for test params).
    static func strings(in json: String, after marker: String) -> [String] {
        guard let start = json.range(of: marker)?.upperBound, let end = json[start...].firstIndex(of: "]") else { return [] }
        return json[start..<end].split(separator: ",").map { $0.trimmingCharacters(in: .init(charactersIn: "\" ")) }
    }

    mutating func onEvent(_ event: Event) {
        TestNodes.record(key, nodeID: context.nodeID, event)
        guard event.type == UInt16(TRELLIS_EVENT_BAR) else { return }
        context.emit(Signal(label: labels[(bars / period) % labels.count], value: Double(bars), instrument: event.instrument))
        bars += 1
    }
}

/// Buys one unit every `every` bars and closes it `every` bars later; with `timer_after_ns`,
/// schedules a timer that long after its first bar.
struct TestStrategy: Node {
    static let descriptor = NodeDescriptor(
        type: "test-strategy", kind: .strategy, version: "1.0.0", description: "Buys and closes on a fixed rhythm.",
        parameters:
            #"{"type": "object", "additionalProperties": false, "properties": {"tag": {"type": "string"}, "every": {"type": "integer", "minimum": 1, "default": 2}, "timer_after_ns": {"type": "integer", "default": 0}}}"#
    )

    let context: NodeContext
    let key: String
    let every: Int
    let timerAfter: Int
    var bars = 0
    var holding = false

    init(context: NodeContext, parameters: Parameters) throws(PluginError) {
        self.context = context
        key = "\(try parameters.string("tag"))/\(context.name)"
        every = try parameters.integer("every")
        timerAfter = try parameters.integer("timer_after_ns")
    }

    mutating func onEvent(_ event: Event) {
        TestNodes.record(key, nodeID: context.nodeID, event)
        guard let bar = event.record(Bar.self) else { return }
        if bars == 0, timerAfter > 0 { context.timers()?.schedule(at: bar.header.ts_ns + Int64(timerAfter), id: 7) }
        if bars % every == 0 {
            context.emit(
                holding ? .closePosition(instrument: bar.header.instrument, side: .sell) : Order(instrument: bar.header.instrument, side: .buy, quantity: 1))
            holding.toggle()
        }
        bars += 1
    }
}

/// Holds long, flat or short by a seeded coin each bar, `quantity` units; with `long_bias`, the
/// coin favours long by that much (0.1: long 10 points more often). No edge unless the prices drift.
struct TestCoin: Node {
    static let descriptor = NodeDescriptor(
        type: "test-coin", kind: .strategy, version: "1.0.0", description: "Random positions from a seeded coin.",
        parameters:
            #"{"type": "object", "additionalProperties": false, "properties": {"seed": {"type": "integer", "default": 1}, "quantity": {"type": "number", "default": 10}, "long_bias": {"type": "number", "default": 0}}}"#
    )

    let context: NodeContext
    let quantity: Double
    let longBias: Double
    var random: SeededRandom
    var position = 0.0

    init(context: NodeContext, parameters: Parameters) throws(PluginError) {
        self.context = context
        random = SeededRandom(seed: UInt64(try parameters.integer("seed")))
        quantity = try parameters.number("quantity")
        longBias = try parameters.number("long_bias")
    }

    mutating func onBar(_ bar: Bar) {
        let draw = random.unit()
        let target = draw < 1.0 / 3 + longBias ? quantity : draw < 2.0 / 3 + longBias / 2 ? 0 : -quantity
        let change = target - position
        guard change != 0 else { return }
        context.emit(Order(instrument: bar.header.instrument, side: change > 0 ? .buy : .sell, quantity: abs(change)))
        position = target
    }
}

/// Approves order intents (scaled by `scale`), denying every `deny_every`-th with a reason.
struct TestRisk: Node {
    static let descriptor = NodeDescriptor(
        type: "test-risk", kind: .risk, version: "1.0.0", description: "Passes orders, denies some.",
        parameters:
            #"{"type": "object", "additionalProperties": false, "properties": {"tag": {"type": "string"}, "deny_every": {"type": "integer", "minimum": 0, "default": 0}, "scale": {"type": "number", "exclusiveMinimum": 0, "default": 1}}}"#
    )

    let context: NodeContext
    let key: String
    let denyEvery: Int
    let scale: Double
    let verdicts: RiskVerdicts
    var orders = 0

    init(context: NodeContext, parameters: Parameters) throws(PluginError) {
        self.context = context
        key = "\(try parameters.string("tag"))/\(context.name)"
        denyEvery = try parameters.integer("deny_every")
        scale = try parameters.number("scale")
        guard let verdicts = context.risk() else { throw PluginError("the host offers no trellis.risk/1") }
        self.verdicts = verdicts
    }

    mutating func onEvent(_ event: Event) {
        TestNodes.record(key, nodeID: context.nodeID, event)
        guard let order = event.record(Order.self) else { return }
        orders += 1
        if denyEvery > 0 && orders % denyEvery == 0 {
            TestNodes.note(key, "deny \(orders)", verdicts.deny(order, reason: "every \(denyEvery)th order is denied"))
        } else {
            TestNodes.note(key, "approve \(orders)", verdicts.approve(order, quantity: order.quantity * scale, sizeMode: order.size_mode))
        }
        TestNodes.note(key, "second verdict \(orders)", verdicts.approve(order))
    }
}

/// A strategy that sends order intents the host must refuse, and notes what `emit` answered.
struct TestBadOrders: Node {
    static let descriptor = NodeDescriptor(
        type: "test-bad-orders", kind: .strategy, version: "1.0.0", description: "Sends malformed orders on purpose.",
        parameters: #"{"type": "object", "additionalProperties": false, "properties": {"tag": {"type": "string"}}}"#)

    let context: NodeContext
    let key: String
    var done = false

    init(context: NodeContext, parameters: Parameters) throws(PluginError) {
        self.context = context
        key = "\(try parameters.string("tag"))/\(context.name)"
    }

    mutating func onEvent(_ event: Event) {
        TestNodes.record(key, nodeID: context.nodeID, event)
        guard let bar = event.record(Bar.self), !done else { return }
        done = true
        let instrument = bar.header.instrument
        var unknownFlag = Order(instrument: instrument, side: .buy, quantity: 1, orderID: 10)
        unknownFlag.order_flags = 0x80
        TestNodes.note(key, "unknown flag", context.emit(unknownFlag))
        var reserved = Order(instrument: instrument, side: .buy, quantity: 1, orderID: 11)
        reserved._reserved = 1
        TestNodes.note(key, "reserved", context.emit(reserved))
        TestNodes.note(key, "unknown type", context.emit(Order(instrument: instrument, side: .buy, quantity: 1, orderID: 12, type: 9)))
        var noSide = Order(instrument: instrument, side: .buy, quantity: 1, orderID: 13)
        noSide.side = 0
        TestNodes.note(key, "no side", context.emit(noSide))
        TestNodes.note(key, "good", context.emit(Order(instrument: instrument, side: .buy, quantity: 1, orderID: 20)))
        TestNodes.note(key, "repeated id", context.emit(Order(instrument: instrument, side: .buy, quantity: 1, orderID: 20)))
        TestNodes.note(key, "smaller id", context.emit(Order(instrument: instrument, side: .buy, quantity: 1, orderID: 5)))
        TestNodes.note(key, "host id", context.emit(Order(instrument: instrument, side: .buy, quantity: 1)))
        let reduceOnly = UInt32(TRELLIS_ORDER_FLAG_REDUCE_ONLY)
        TestNodes.note(key, "reduce only", context.emit(Order(instrument: instrument, side: .sell, quantity: 5, orderID: 21, flags: reduceOnly)))
        TestNodes.note(key, "reduce only up", context.emit(Order(instrument: instrument, side: .buy, quantity: 1, orderID: 22, flags: reduceOnly)))
    }
}

/// Records everything it receives.
struct TestObserver: Node {
    static let descriptor = NodeDescriptor(
        type: "test-observer", kind: .observer, version: "1.0.0", description: "Records what it sees.",
        parameters: #"{"type": "object", "additionalProperties": false, "properties": {"tag": {"type": "string"}}}"#)

    let context: NodeContext
    let key: String

    init(context: NodeContext, parameters: Parameters) throws(PluginError) {
        self.context = context
        key = "\(try parameters.string("tag"))/\(context.name)"
    }

    mutating func onEvent(_ event: Event) { TestNodes.record(key, nodeID: context.nodeID, event) }
}

/// A model node that tries what its kind may not do, and notes what `emit` answered.
struct TestRogue: Node {
    static let descriptor = NodeDescriptor(
        type: "test-rogue", kind: .model, version: "1.0.0", description: "Breaks the emit rules on purpose.",
        parameters: #"{"type": "object", "additionalProperties": false, "properties": {"tag": {"type": "string"}}}"#)

    let context: NodeContext
    let key: String
    var done = false

    init(context: NodeContext, parameters: Parameters) throws(PluginError) {
        self.context = context
        key = "\(try parameters.string("tag"))/\(context.name)"
        TestNodes.note(key, "signal during create", context.emit(Signal(label: "early")))
    }

    mutating func onBar(_ bar: Bar) {
        guard !done else { return }
        done = true
        TestNodes.note(key, "order from a model", context.emit(Order(instrument: bar.header.instrument, side: .buy, quantity: 1)))
        var fill = Fill()
        fill.header = Fill.header(instrument: bar.header.instrument)
        TestNodes.note(key, "fill from a model", context.emit(fill))
        var timer = TimerEvent()
        timer.header = TimerEvent.header()
        TestNodes.note(key, "timer", context.emit(timer))
        var short = Signal(label: "short")
        short.header.size = 30
        TestNodes.note(key, "truncated signal", context.emit(short))
        var unknown = Signal(label: "x")
        unknown.header.type = 99
        TestNodes.note(key, "unknown type", context.emit(unknown))
        TestNodes.note(key, "signal", context.emit(Signal(label: "fine")))
        let payload: [UInt8] = [1, 2, 3, 4, 5]
        TestNodes.note(key, "custom", payload.withUnsafeBytes { context.emitCustom(type: 42, payload: $0) })
    }
}

/// Places the orders its `script` lists, each on the bar it names (0-based): e.g.
/// `[{"bar": 0, "side": "buy", "type": "limit", "quantity": 10, "limit": 95}]`. Keys: bar, side
/// (buy/sell), type (market/limit/stop/stop-limit), quantity, limit, stop, tif (gtc/ioc/fok/day),
/// sizing (units/equity), close (true: close the position), cancel (an order number to cancel).
struct TestOrders: Node {
    static let descriptor = NodeDescriptor(
        type: "test-orders", kind: .strategy, version: "1.0.0", description: "Places scripted orders.",
        parameters: #"{"type": "object", "additionalProperties": false, "properties": {"tag": {"type": "string"}, "script": {"type": "array"}}}"#)

    let context: NodeContext
    let key: String
    let script: [[String: Any]]
    var bars = 0

    init(context: NodeContext, parameters: Parameters) throws(PluginError) {
        self.context = context
        key = "\(try parameters.string("tag"))/\(context.name)"
        let object = try? JSONSerialization.jsonObject(with: Data(parameters.json.utf8)) as? [String: Any]
        script = object?["script"] as? [[String: Any]] ?? []
    }

    /// Counts market events (bars, trades or quotes) as steps of the script.
    mutating func onEvent(_ event: Event) {
        TestNodes.record(key, nodeID: context.nodeID, event)
        guard (TRELLIS_EVENT_BAR...TRELLIS_EVENT_QUOTE).contains(Int32(event.type)) else { return }
        for (number, step) in script.enumerated() where (step["bar"] as? Int) == bars {
            context.emit(order(number + 1, step, instrument: event.instrument))
        }
        bars += 1
    }

    private func order(_ id: Int, _ step: [String: Any], instrument: UInt32) -> Order {
        if let target = step["cancel"] as? Int { return .cancel(instrument: instrument, orderID: UInt64(target)) }
        let side: Side = step["side"] as? String == "sell" ? .sell : .buy
        if step["close"] as? Bool == true { return .closePosition(instrument: instrument, side: side, orderID: UInt64(id)) }
        let types = ["market": TRELLIS_ORDER_MARKET, "limit": TRELLIS_ORDER_LIMIT, "stop": TRELLIS_ORDER_STOP, "stop-limit": TRELLIS_ORDER_STOP_LIMIT]
        let tifs = ["gtc": TRELLIS_TIF_GTC, "ioc": TRELLIS_TIF_IOC, "fok": TRELLIS_TIF_FOK, "day": TRELLIS_TIF_DAY]
        return Order(
            instrument: instrument, side: side, quantity: step["quantity"] as? Double ?? 1, orderID: UInt64(id),
            type: types[step["type"] as? String ?? "market"] ?? TRELLIS_ORDER_MARKET, timeInForce: tifs[step["tif"] as? String ?? "gtc"] ?? TRELLIS_TIF_GTC,
            sizeMode: step["sizing"] as? String == "equity" ? TRELLIS_SIZE_EQUITY : TRELLIS_SIZE_UNITS,
            limitPrice: step["limit"] as? Double ?? 0, stopPrice: step["stop"] as? Double ?? 0)
    }
}

private let testNodesEntry: trellis_plugin_entry_fn = { info in
    Plugin.entry(
        info, id: "test-nodes", version: "1.0.0", description: "Nodes for engine tests.",
        nodes: [
            TestModel.self, TestStrategy.self, TestRisk.self, TestObserver.self, TestRogue.self, TestBadOrders.self, TestOrders.self, TestHostile.self,
            TestCoin.self,
        ])
}
