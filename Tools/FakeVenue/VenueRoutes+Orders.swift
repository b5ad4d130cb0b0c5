import Foundation
import Hummingbird
import NIOCore

/// Order placement and the JSON answers of the REST side.
extension VenueRoutes {
    /// `POST /api/v1/orders`: 400 when malformed, 409 for a clientOrderId seen before, else the
    /// order object (REJECTED with a reason when it breaks a rule).
    func placeOrder(_ body: String, draw: FaultInjector.RESTDraw) throws -> Response {
        let request: Exchange.OrderRequest
        switch Self.parseOrder(body) {
        case .success(let parsed): request = parsed
        case .failure(let error): return Self.error(.badRequest, "BAD_REQUEST", error.message)
        }
        switch exchange.submit(request, injectReject: draw.reject) {
        case .duplicate(let existing):
            var writer = JSONWriter()
            writer.add("code", "DUPLICATE_CLIENT_ID")
            writer.add("message", "clientOrderId \(request.clientOrderId) was seen before; no new order was placed")
            writer.add("order", raw: existing.json)
            return Self.json(writer.string, status: .conflict)
        case .created(let order):
            if draw.lostResponse {
                counters.fault("lostResponse")
                return Self.error(.serviceUnavailable, "SERVICE_UNAVAILABLE", "injected fault: the order was executed but its response was lost")
            }
            return Self.json(order.json)
        }
    }

    /// Reads an order POST's body; the error says which field is wrong.
    static func parseOrder(_ body: String) -> Result<Exchange.OrderRequest, FakeVenueError> {
        func bad(_ message: String) -> Result<Exchange.OrderRequest, FakeVenueError> { .failure(FakeVenueError(code: "BAD_REQUEST", message: message)) }
        guard let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] else { return bad("the body must be a JSON object") }
        let clientOrderId: String
        if let text = object["clientOrderId"] as? String {
            clientOrderId = text
        } else if let number = object["clientOrderId"] as? Int {
            clientOrderId = String(number)
        } else {
            return bad("clientOrderId is required (a string)")
        }
        guard !clientOrderId.isEmpty, clientOrderId.count <= 64, !clientOrderId.contains("/") else {
            return bad("clientOrderId must be 1 to 64 characters without '/'")
        }
        guard let symbol = object["symbol"] as? String, !symbol.isEmpty else { return bad("symbol is required") }
        guard let side = (object["side"] as? String).flatMap(VenueOrder.Side.init(rawValue:)) else { return bad("side must be BUY or SELL") }
        guard let kind = (object["type"] as? String).flatMap(VenueOrder.Kind.init(rawValue:)) else { return bad("type must be MARKET or LIMIT") }
        guard let quantity = number(object["quantity"]) else { return bad("quantity is required (a number)") }
        var price = 0.0
        if let value = object["price"], !(value is NSNull) {
            guard let number = number(value) else { return bad("price must be a number") }
            price = number
        }
        var timeInForce = VenueOrder.TimeInForce.gtc
        if let value = object["timeInForce"], !(value is NSNull) {
            guard let parsed = (value as? String).flatMap(VenueOrder.TimeInForce.init(rawValue:)) else { return bad("timeInForce must be GTC or IOC") }
            timeInForce = parsed
        }
        return .success(
            Exchange.OrderRequest(
                clientOrderId: clientOrderId, symbol: symbol, side: side, kind: kind, quantity: quantity, price: price, timeInForce: timeInForce))
    }

    private static func number(_ value: Any?) -> Double? {
        if let number = value as? Double { return number.isFinite ? number : nil }
        if let number = value as? Int { return Double(number) }
        return nil
    }

    /// A JSON answer.
    static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// An error answer: `{"code":…,"message":…}`.
    static func error(_ status: HTTPResponse.Status, _ code: String, _ message: String) -> Response {
        json(errorJSON(code, message), status: status)
    }

    /// The error object `{"code":…,"message":…}`.
    static func errorJSON(_ code: String, _ message: String) -> String {
        var writer = JSONWriter()
        writer.add("code", code)
        writer.add("message", message)
        return writer.string
    }

    static func unauthorized() -> Response { error(.unauthorized, "UNAUTHORIZED", "missing or wrong X-API-Key header") }

    static func unknownOrder(_ clientOrderId: String) -> Response { error(.notFound, "NOT_FOUND", "no order with clientOrderId \(clientOrderId)") }
}
