import Synchronization

/// What the venue has done so far, as `GET /control/state` reports it.
public struct FakeVenueState: Sendable, Equatable {
    /// Bars published on the stream.
    public var barsSent = 0
    /// Synthetic trades published.
    public var tradesSent = 0
    /// Synthetic quotes published.
    public var quotesSent = 0
    /// Every message published (one per seq; duplicates not counted).
    public var messagesPublished = 0
    /// Frames written to WebSocket clients, duplicates included.
    public var framesSent = 0
    /// Order POSTs that created an order (rejected ones included; duplicates not).
    public var orders = 0
    /// Orders rejected, by rule or by fault.
    public var ordersRejected = 0
    /// Fills executed.
    public var fills = 0
    /// WebSocket connections opened since the start.
    public var connectionsOpened = 0
    /// WebSocket connections open now.
    public var connectionsOpen = 0
    /// REST requests received under `/api/`.
    public var restRequests = 0
    /// True once the bars ran out (without `loop`).
    public var ended = false
    /// Faults injected so far, by name (`duplicate`, `reorder`, `disconnect`, `delay`, `timeout`,
    /// `lostResponse`, `reject`).
    public var faultsInjected: [String: Int] = [:]

    public init() {}

    /// The state as JSON.
    var json: String {
        var writer = JSONWriter()
        writer.add("barsSent", barsSent)
        writer.add("tradesSent", tradesSent)
        writer.add("quotesSent", quotesSent)
        writer.add("messagesPublished", messagesPublished)
        writer.add("framesSent", framesSent)
        writer.add("orders", orders)
        writer.add("ordersRejected", ordersRejected)
        writer.add("fills", fills)
        writer.add("connectionsOpened", connectionsOpened)
        writer.add("connectionsOpen", connectionsOpen)
        writer.add("restRequests", restRequests)
        writer.add("ended", ended)
        var faults = JSONWriter()
        for name in faultsInjected.keys.sorted() { faults.add(name, faultsInjected[name]!) }
        writer.add("faultsInjected", raw: faults.string)
        return writer.string
    }
}

/// The venue's counters behind a lock, shared by its parts.
final class VenueCounters: Sendable {
    private let state = Mutex(FakeVenueState())

    init() {}

    /// A copy of the counters.
    var snapshot: FakeVenueState { state.withLock { $0 } }

    /// Changes the counters.
    func update(_ change: (inout FakeVenueState) -> Void) { state.withLock { change(&$0) } }

    /// Counts one injected fault.
    func fault(_ name: String) { state.withLock { $0.faultsInjected[name, default: 0] += 1 } }
}

/// The venue's account and orders at one moment (`FakeVenueServer.book`).
public struct FakeVenueBook: Sendable, Equatable {
    public var cash = 0.0
    /// Net positions by symbol (flat ones left out).
    public var positions: [String: Double] = [:]
    /// Each order's status (`NEW`, `FILLED`, ...) by client order id.
    public var orders: [String: String] = [:]
}
