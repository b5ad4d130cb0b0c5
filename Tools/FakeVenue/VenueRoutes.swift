import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// The REST side of the protocol: `/api/v1/…` behind the key, and `/control/…` for tests.
struct VenueRoutes: Sendable {
    let apiKey: String
    let exchange: Exchange
    let faults: FaultInjector
    let requests: RequestLog
    let counters: VenueCounters
    /// True once the server is stopping: held requests give up.
    let isStopping: @Sendable () -> Bool
    let logger: Logger

    /// How long a request struck by the `timeout` fault is held.
    static let timeoutHold = Duration.seconds(60)

    /// The router with every endpoint.
    func router() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.get("/api/v1/time") { request, context in
            try await api(request) { _, _ in
                var writer = JSONWriter()
                writer.add("serverTime", Int64(Date().timeIntervalSince1970 * 1_000))
                return Self.json(writer.string)
            }
        }
        router.get("/api/v1/instruments") { request, context in
            try await api(request) { _, _ in Self.json("{\"instruments\":\(exchange.instrumentsJSON)}") }
        }
        router.post("/api/v1/orders") { request, context in
            try await api(request) { body, draw in try placeOrder(body, draw: draw) }
        }
        router.get("/api/v1/orders") { request, context in
            try await api(request) { _, _ in
                let status = request.uri.queryParameters.get("status") ?? "all"
                let orders: [VenueOrder]
                switch status.lowercased() {
                case "open": orders = exchange.openOrders()
                case "all": orders = exchange.allOrders()
                default: return Self.error(.badRequest, "BAD_REQUEST", "status must be open or all, got \(status)")
                }
                return Self.json("{\"orders\":\(JSONWriter.array(orders.map(\.json)))}")
            }
        }
        router.get("/api/v1/orders/:clientOrderId") { request, context in
            let clientOrderId = context.parameters.get("clientOrderId") ?? ""
            return try await api(request) { _, _ in
                guard let order = exchange.order(clientOrderId) else { return Self.unknownOrder(clientOrderId) }
                return Self.json(order.json)
            }
        }
        router.delete("/api/v1/orders/:clientOrderId") { request, context in
            let clientOrderId = context.parameters.get("clientOrderId") ?? ""
            return try await api(request) { _, _ in
                guard let order = exchange.cancel(clientOrderId) else { return Self.unknownOrder(clientOrderId) }
                return Self.json(order.json)
            }
        }
        router.get("/api/v1/account") { request, context in
            try await api(request) { _, _ in Self.json(exchange.accountJSON()) }
        }
        router.get("/api/v1/fills") { request, context in
            try await api(request) { _, _ in
                let text = request.uri.queryParameters.get("since") ?? "0"
                guard let since = UInt64(text) else { return Self.error(.badRequest, "BAD_REQUEST", "since must be a seq, got \(text)") }
                let client: String? = request.uri.queryParameters.get("clientOrderId").map { String($0) }
                let fills = exchange.fills(since: since).filter { client == nil || $0.clientOrderId == client }
                return Self.json("{\"fills\":\(JSONWriter.array(fills.map(\.json)))}")
            }
        }
        // A GET /ws that was not upgraded: a wrong key, or not a WebSocket request.
        router.get("/ws") { request, context in
            guard request.headers[HTTPField.Name("X-API-Key")!] == apiKey else { return Self.unauthorized() }
            return Self.error(.badRequest, "BAD_REQUEST", "GET /ws expects a WebSocket upgrade")
        }
        addControl(to: router)
        return router
    }

    /// `/control/…`: faults, received requests and counters; no key.
    private func addControl(to router: Router<BasicRequestContext>) {
        router.get("/control/faults") { _, _ in Self.json(faults.settings.json) }
        router.post("/control/faults") { request, context in
            let body = try await request.body.collect(upTo: 1 << 20)
            guard let object = try? JSONSerialization.jsonObject(with: Data(String(buffer: body).utf8)) as? [String: Any] else {
                return Self.error(.badRequest, "BAD_REQUEST", "expected a JSON object of fault settings")
            }
            do {
                faults.settings = try faults.settings.merging(json: object)
            } catch {
                return Self.error(.badRequest, "BAD_REQUEST", (error as? FakeVenueError)?.message ?? "\(error)")
            }
            logger.info("faults changed", metadata: ["venue.faults": "\(faults.settings.json)"])
            return Self.json(faults.settings.json)
        }
        router.get("/control/requests") { _, _ in Self.json("{\"requests\":\(JSONWriter.array(requests.all.map(\.json)))}") }
        router.get("/control/state") { _, _ in
            var state = counters.snapshot
            state.connectionsOpen = exchange.hub.connectionCount
            return Self.json(state.json)
        }
    }

    /// Runs an `/api/` handler: records the request, checks the key, applies the REST faults.
    private func api(_ request: Request, _ handler: (String, FaultInjector.RESTDraw) async throws -> Response) async throws -> Response {
        let buffer = try await request.body.collect(upTo: 1 << 20)
        let body = String(buffer: buffer)
        requests.record(method: request.method.rawValue, path: request.uri.description, body: body)
        counters.update { $0.restRequests += 1 }
        guard request.headers[HTTPField.Name("X-API-Key")!] == apiKey else { return Self.unauthorized() }
        let draw = faults.drawREST()
        if draw.delayMs > 0 {
            counters.fault("delay")
            try await Task.sleep(for: .milliseconds(draw.delayMs))
        }
        let response = try await handler(body, draw)
        if draw.timeout {
            counters.fault("timeout")
            logger.info("holding a request (injected timeout)", metadata: ["venue.path": "\(request.uri.path)"])
            let clock = ContinuousClock()
            let deadline = clock.now + Self.timeoutHold
            while clock.now < deadline, !isStopping() { try await Task.sleep(for: .milliseconds(50)) }
            return Self.error(.serviceUnavailable, "TIMEOUT", "injected fault: the request was held and not answered")
        }
        return response
    }
}
