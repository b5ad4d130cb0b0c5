import Foundation
import Hummingbird

/// The endpoint's four paths, as a Hummingbird router.
enum OperatorRoutes {
    /// The router: `/metrics`, `/health`, `/status` and the page at `/`, behind ``OperatorAccess``.
    static func router(board: OperatorBoard, token: [UInt8]?, staleAfter: Duration) -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: OperatorAccess(metrics: board.metrics, token: token))
        router.get("/metrics") { _, _ in
            let body = board.metrics.expositionBytes()
            return response(.ok, type: "text/plain; version=0.0.4; charset=utf-8", body: ByteBuffer(bytes: body))
        }
        router.get("/health") { _, _ in
            let health = board.health(staleAfter: staleAfter)
            return response(health.isHealthy ? .ok : .serviceUnavailable, type: "application/json", body: try json(health))
        }
        router.get("/status") { _, _ in
            response(.ok, type: "application/json", body: try json(board.status))
        }
        router.get("/") { _, _ in
            let (status, age) = board.snapshot()
            let page = StatusPage(status: status, health: .of(status, age: age, staleAfter: staleAfter), now: Date())
            var response = response(.ok, type: "text/html; charset=utf-8", body: ByteBuffer(string: page.html))
            // Inline style and script only; the script may fetch /status and nothing else.
            response.headers[.contentSecurityPolicy] =
                "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
            return response
        }
        return router
    }

    /// A response that no cache keeps and no browser sniffs.
    static func response(_ status: HTTPResponse.Status, type: String, body: ByteBuffer) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.cacheControl] = "no-store"
        headers[.xContentTypeOptions] = "nosniff"
        return Response(status: status, headers: headers, body: .init(byteBuffer: body))
    }

    /// `value` as JSON. Non-finite numbers (a price not known yet) become the strings
    /// "NaN", "Infinity" and "-Infinity", which decode back with the same strategy.
    static func json(_ value: some Encodable) throws -> ByteBuffer {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return ByteBuffer(bytes: try encoder.encode(value))
    }
}
