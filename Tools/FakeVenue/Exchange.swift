import Logging
import Synchronization

/// The venue's order book and account: takes orders, fills them against the market data the
/// feed publishes, and pushes every order change and fill on the stream.
///
/// Every change happens under one lock, and the stream messages it causes are published
/// under the same lock, so the stream shows changes in the order they happened.
final class Exchange: Sendable {
    /// An order POST, checked for shape but not yet for the instrument's rules.
    struct OrderRequest: Sendable, Equatable {
        var clientOrderId: String
        var symbol: String
        var side: VenueOrder.Side
        var kind: VenueOrder.Kind
        var quantity: Double
        var price: Double
        var timeInForce: VenueOrder.TimeInForce
    }

    /// The outcome of an order POST.
    enum Submission: Sendable {
        /// A new order (possibly REJECTED).
        case created(VenueOrder)
        /// The clientOrderId was seen before: this is that order, nothing new was placed.
        case duplicate(VenueOrder)
    }

    struct Book {
        var orders: [String: VenueOrder] = [:]
        /// clientOrderIds of orders still working, in the order they arrived.
        var open: [String] = []
        var account: Account
        var fills: [VenueFill] = []
        var lastPrice: [String: Double] = [:]
        var nextOrder = 1
        var nextTrade = 1
    }

    let instruments: [Instrument]
    private let bySymbol: [String: Instrument]
    let commission: Double
    let book: Mutex<Book>
    let hub: StreamHub
    let counters: VenueCounters
    let logger: Logger

    init(instruments: [Instrument], commission: Double, cash: Double, currency: String, hub: StreamHub, counters: VenueCounters, logger: Logger) {
        self.instruments = instruments
        self.bySymbol = Dictionary(instruments.map { ($0.symbol, $0) }, uniquingKeysWith: { first, _ in first })
        self.commission = commission
        self.book = Mutex(Book(account: Account(currency: currency, cash: cash)))
        self.hub = hub
        self.counters = counters
        self.logger = logger
    }

    /// Places an order unless its clientOrderId was seen before; `injectReject` refuses it
    /// with reason `injected`.
    func submit(_ request: OrderRequest, injectReject: Bool) -> Submission {
        book.withLock { book in
            if let existing = book.orders[request.clientOrderId] { return .duplicate(existing) }
            var order = VenueOrder(
                orderId: "O-\(book.nextOrder)", clientOrderId: request.clientOrderId, symbol: request.symbol, side: request.side, kind: request.kind,
                quantity: request.quantity, price: request.kind == .limit ? request.price : 0, timeInForce: request.timeInForce)
            book.nextOrder += 1
            if let refusal = refusal(request) {
                order.status = .rejected
                order.reason = refusal
            } else if injectReject {
                order.status = .rejected
                order.reason = "injected"
                counters.fault("reject")
            } else {
                book.open.append(order.clientOrderId)
            }
            book.orders[order.clientOrderId] = order
            counters.update {
                $0.orders += 1
                if order.status == .rejected { $0.ordersRejected += 1 }
            }
            publish(order)
            logger.debug(
                "order",
                metadata: ["venue.order.id": "\(order.orderId)", "venue.order.client_id": "\(order.clientOrderId)", "venue.order.status": "\(order.status)"]
            )
            return .created(order)
        }
    }

    private func refusal(_ request: OrderRequest) -> String? {
        guard let instrument = bySymbol[request.symbol] else { return "unknown symbol \(request.symbol)" }
        return instrument.refusal(quantity: request.quantity, price: request.price, isLimit: request.kind == .limit)
    }

    /// Cancels a working order; a final order comes back unchanged; nil when unknown.
    func cancel(_ clientOrderId: String) -> VenueOrder? {
        book.withLock { book in
            guard var order = book.orders[clientOrderId] else { return nil }
            guard !order.status.isFinal else { return order }
            order.status = .canceled
            book.orders[clientOrderId] = order
            book.open.removeAll { $0 == clientOrderId }
            publish(order)
            return order
        }
    }

    /// The order with this clientOrderId, nil when unknown.
    func order(_ clientOrderId: String) -> VenueOrder? { book.withLock { $0.orders[clientOrderId] } }

    /// Orders still working, oldest first.
    func openOrders() -> [VenueOrder] { book.withLock { book in book.open.compactMap { book.orders[$0] } } }

    /// Every order, oldest first.
    func allOrders() -> [VenueOrder] {
        book.withLock { book in book.orders.values.sorted { Int($0.orderId.dropFirst(2)) ?? 0 < Int($1.orderId.dropFirst(2)) ?? 0 } }
    }

    /// Fills whose seq is above `seq`.
    func fills(since seq: UInt64) -> [VenueFill] { book.withLock { book in book.fills.filter { $0.seq > seq } } }

    /// The account and the orders, for tests.
    func snapshot() -> FakeVenueBook {
        book.withLock { book in
            FakeVenueBook(
                cash: book.account.cash, positions: book.account.positions.mapValues(\.quantity).filter { $0.value != 0 },
                orders: book.orders.mapValues(\.status.rawValue))
        }
    }

    /// The account as JSON, positions marked at the last prices.
    func accountJSON() -> String { book.withLock { $0.account.json(prices: $0.lastPrice) } }

    /// The instruments as JSON.
    var instrumentsJSON: String { JSONWriter.array(instruments.map(\.json)) }

    /// Publishes an order's state on the stream (called under the book's lock).
    func publish(_ order: VenueOrder) {
        hub.publish { order.message(seq: $0) }
        counters.update { $0.messagesPublished += 1 }
    }
}
