/// A node type written in Swift. Write a struct, describe it, and handle the events you need:
///
/// ```swift
/// struct Echo: Node {
///     static let descriptor = NodeDescriptor(type: "echo", kind: .observer, version: "1.0.0",
///                                            description: "Logs every bar.")
///     let context: NodeContext
///     init(context: NodeContext, parameters: Parameters) throws(PluginError) { self.context = context }
///     mutating func onBar(_ bar: Bar) { context.log(.info, "close \(bar.close)") }
/// }
/// ```
///
/// Every method runs on the engine thread, one call at a time. Events are plain C structs passed
/// by value: no allocation and no reference counting between the host and the node.
public protocol Node {
    /// The node type's name, kind, version, description and parameter schema.
    static var descriptor: NodeDescriptor { get }

    /// Creates an instance; throw to refuse the parameters with a message for the operator.
    init(context: NodeContext, parameters: Parameters) throws(PluginError)

    /// Called once before the first event.
    mutating func activate() throws(PluginError)
    /// Every event; the default implementation calls the typed handlers below.
    mutating func onEvent(_ event: Event)
    mutating func onBar(_ bar: Bar)
    mutating func onTrade(_ trade: Trade)
    mutating func onQuote(_ quote: Quote)
    mutating func onSignal(_ signal: Signal)
    /// Order intents from upstream. A risk node answers each with `context.risk()` approve or
    /// deny; observers just see them.
    mutating func onOrder(_ order: Order)
    mutating func onOrderUpdate(_ update: OrderUpdate)
    mutating func onFill(_ fill: Fill)
    /// The account's balances; risk nodes receive them after each timestamp of the market.
    mutating func onAccount(_ account: Account)
    mutating func onTimer(_ timer: TimerEvent)
    /// Custom events; read the payload with `event.customPayload`.
    mutating func onCustom(_ event: Event)
    /// Called once after the last event; the node may still emit.
    mutating func deactivate() throws(PluginError)

    /// Bars of history the node needs before its output means anything; nil when not applicable.
    var warmupBars: Int? { get }
}

extension Node {
    public mutating func activate() throws(PluginError) {}
    public mutating func deactivate() throws(PluginError) {}
    public mutating func onBar(_ bar: Bar) {}
    public mutating func onTrade(_ trade: Trade) {}
    public mutating func onQuote(_ quote: Quote) {}
    public mutating func onSignal(_ signal: Signal) {}
    public mutating func onOrder(_ order: Order) {}
    public mutating func onOrderUpdate(_ update: OrderUpdate) {}
    public mutating func onFill(_ fill: Fill) {}
    public mutating func onAccount(_ account: Account) {}
    public mutating func onTimer(_ timer: TimerEvent) {}
    public mutating func onCustom(_ event: Event) {}
    public var warmupBars: Int? { nil }

    @inlinable
    public mutating func onEvent(_ event: Event) {
        let raw = UnsafeRawPointer(event.pointer)
        switch Int32(event.type) {
        case TRELLIS_EVENT_BAR: onBar(Event.load(Bar.self, from: raw))
        case TRELLIS_EVENT_SIGNAL: onSignal(Event.load(Signal.self, from: raw))
        case TRELLIS_EVENT_FILL: onFill(Event.load(Fill.self, from: raw))
        case TRELLIS_EVENT_ORDER_UPDATE: onOrderUpdate(Event.load(OrderUpdate.self, from: raw))
        case TRELLIS_EVENT_ORDER: onOrder(Event.load(Order.self, from: raw))
        case TRELLIS_EVENT_TRADE: onTrade(Event.load(Trade.self, from: raw))
        case TRELLIS_EVENT_QUOTE: onQuote(Event.load(Quote.self, from: raw))
        case TRELLIS_EVENT_TIMER: onTimer(Event.load(TimerEvent.self, from: raw))
        case TRELLIS_EVENT_ACCOUNT: onAccount(Event.load(Account.self, from: raw))
        case TRELLIS_EVENT_CUSTOM: onCustom(event)
        default: break
        }
    }
}
