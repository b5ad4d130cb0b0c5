import Prometheus
import Synchronization

/// The host's Prometheus metrics, in a registry of their own, served at `GET /metrics`.
///
/// Every metric object is made once, when the metrics are made (the node-labelled ones when a
/// node is first named), so that counting on the event path is an atomic add or a short
/// locked bucket update: no allocation, no string formatting. Nothing here touches the
/// process-wide `MetricsSystem`: several hosts may run in one process.
/// The names and labels are listed in docs/operator.md.
public final class OperatorMetrics: Sendable {
    /// The registry the metrics live in; `exposition()` renders it.
    public let registry: PrometheusCollectorRegistry

    /// The buckets of both latency histograms: 1 µs to 1 s, 1-2.5-5 per decade.
    public static let latencyBuckets: [Duration] = [
        .nanoseconds(1_000), .nanoseconds(2_500), .nanoseconds(5_000), .microseconds(10), .microseconds(25), .microseconds(50),
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .microseconds(2_500), .milliseconds(5),
        .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
    ]

    let events: [Counter]
    let ordersByState: [Counter]
    let fills: Counter
    let queueDepth: Gauge
    let equity: Gauge
    let realizedPnL: Gauge
    let unrealizedPnL: Gauge
    let halted: Gauge
    let lastUpdate: Gauge
    let eventToOrder: DurationHistogram
    let engineStep: DurationHistogram
    let postedDropped: Counter
    let requests: [Counter]
    let unauthorized: Counter
    let nodes = Mutex<[String: Node]>([:])

    /// Makes every metric, in a new registry.
    public init() {
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        events = EventKind.allCases.map {
            registry.makeCounter(descriptor: Self.name("events", "total", "Events the engine processed, by kind."), labels: [("kind", $0.label)])
        }
        ordersByState = OrderState.allCases.map {
            registry.makeCounter(descriptor: Self.name("orders", "total", "Order updates, by the state they reached."), labels: [("state", $0.label)])
        }
        fills = registry.makeCounter(descriptor: Self.name("fills", "total", "Fills received."))
        queueDepth = registry.makeGauge(descriptor: Self.name("queue_depth", "", "Events waiting in the engine's queue."))
        equity = registry.makeGauge(descriptor: Self.name("equity", "", "Cash plus every position at its last price, in the account's currency."))
        realizedPnL = registry.makeGauge(descriptor: Self.name("realized_pnl", "", "P&L of closed quantity since the start, after commission."))
        unrealizedPnL = registry.makeGauge(descriptor: Self.name("unrealized_pnl", "", "P&L of open positions at their last price."))
        halted = registry.makeGauge(descriptor: Self.name("halted", "", "1 while the host is halted, else 0."))
        lastUpdate = registry.makeGauge(descriptor: Self.name("last_update_timestamp", "seconds", "When the engine last published its state (Unix time)."))
        eventToOrder = registry.makeDurationHistogram(
            descriptor: Self.name("event_to_order", "seconds", "From an event's arrival to the order it caused."), buckets: Self.latencyBuckets)
        engineStep = registry.makeDurationHistogram(
            descriptor: Self.name("engine_step", "seconds", "Time the engine spent on one event."), buckets: Self.latencyBuckets)
        postedDropped = registry.makeCounter(descriptor: Self.name("posted_events_dropped", "total", "Events posted by plugins that were dropped."))
        requests = RequestPath.allCases.map {
            registry.makeCounter(descriptor: Self.name("operator_requests", "total", "Requests to the operator endpoint."), labels: [("path", $0.label)])
        }
        unauthorized = registry.makeCounter(descriptor: Self.name("operator_unauthorized", "total", "Requests refused for a missing or wrong token."))
    }

    /// Counts `count` processed events of `kind`.
    @inline(__always)
    public func countEvents(_ kind: EventKind, _ count: Int = 1) {
        events[kind.rawValue].increment(by: Int64(count))
    }

    /// Sets the number of events waiting in the engine's queue.
    @inline(__always)
    public func setQueueDepth(_ depth: Int) {
        queueDepth.set(to: Double(depth))
    }

    /// Counts an order reaching `state`.
    @inline(__always)
    public func countOrder(_ state: OrderState) {
        ordersByState[state.rawValue].increment()
    }

    /// Counts `count` fills.
    @inline(__always)
    public func countFills(_ count: Int = 1) {
        fills.increment(by: Int64(count))
    }

    /// Sets the equity and P&L gauges.
    public func setAccount(equity: Double, realizedPnL: Double, unrealizedPnL: Double) {
        self.equity.set(to: equity)
        self.realizedPnL.set(to: realizedPnL)
        self.unrealizedPnL.set(to: unrealizedPnL)
    }

    /// Records the time from an event's arrival to the order it caused.
    @inline(__always)
    public func recordEventToOrder(nanoseconds: Int64) {
        eventToOrder.record(.nanoseconds(nanoseconds))
    }

    /// Records the time the engine spent on one event.
    @inline(__always)
    public func recordEngineStep(nanoseconds: Int64) {
        engineStep.record(.nanoseconds(nanoseconds))
    }

    /// Counts `count` posted events that were dropped (a full queue, a stopping host).
    @inline(__always)
    public func countPostedDropped(_ count: Int = 1) {
        postedDropped.increment(by: Int64(count))
    }

    /// Counts an error reported by, or about, the node `name`.
    ///
    /// Looks the node up by name; on the event path, keep the ``Node`` from ``node(_:)`` instead.
    public func countPluginError(node name: String) {
        node(name).countError()
    }

    /// Counts a WebSocket reconnect of the node `name`.
    public func countReconnect(node name: String) {
        node(name).countReconnect()
    }

    /// The metrics in Prometheus' text exposition format (version 0.0.4).
    public func exposition() -> String {
        registry.emitToString()
    }

    /// ``exposition()`` as UTF-8 bytes, for the response body.
    func expositionBytes() -> [UInt8] {
        registry.emitToBuffer()
    }

    /// Sets the gauges a snapshot carries: equity, P&L, queue depth, halted, last update.
    func record(_ status: OperatorStatus) {
        setAccount(equity: status.equity, realizedPnL: status.realizedPnL, unrealizedPnL: status.unrealizedPnL)
        queueDepth.set(to: Double(status.queueDepth))
        halted.set(to: status.state == "halted" ? 1 : 0)
        lastUpdate.set(to: Double(status.updatedAt) / 1e9)
    }

    /// Counts a request to the operator endpoint.
    func countRequest(_ path: RequestPath) {
        requests[path.rawValue].increment()
    }

    /// The name `trellis_<metric>_<unit>` and its help line.
    static func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "trellis", metricName: metric, unitName: unit, helpText: help)
    }

    /// Counts a request refused for its token.
    func countUnauthorized() {
        unauthorized.increment()
    }
}
