import Hummingbird

/// Counts every request by path and, when a token is set, refuses those that do not carry it.
///
/// With a token, every path but `/health` needs `Authorization: Bearer <token>`; anything else
/// gets 401. Unknown paths are refused before they are found missing, so a caller without the
/// token learns nothing about the endpoint.
struct OperatorAccess<Context: RequestContext>: RouterMiddleware {
    let metrics: OperatorMetrics
    /// The token's bytes; nil when no token is needed.
    let token: [UInt8]?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = Self.path(request.uri.path)
        metrics.countRequest(path)
        if let token, path != .health, !Self.authorizes(request.headers[.authorization], token: token) {
            metrics.countUnauthorized()
            var headers = HTTPFields()
            headers[.wwwAuthenticate] = #"Bearer realm="trellis""#
            headers[.contentType] = "text/plain; charset=utf-8"
            headers[.cacheControl] = "no-store"
            let body = "401 unauthorized: send the operator token as Authorization: Bearer <token>\n"
            return Response(status: .unauthorized, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        return try await next(request, context)
    }

    /// The metric label of a request's path.
    static func path(_ path: String) -> OperatorMetrics.RequestPath {
        switch path {
        case "/", "": .page
        case "/status": .status
        case "/metrics": .metrics
        case "/health": .health
        default: .other
        }
    }

    /// True when `header` is `Bearer <token>`; compares in time that depends on the token's
    /// length only, not on how much of it a guess got right.
    static func authorizes(_ header: String?, token: [UInt8]) -> Bool {
        guard let header else { return false }
        let bytes = Array(header.utf8)
        let scheme = Array("bearer ".utf8)
        guard bytes.count >= scheme.count,
            zip(bytes, scheme).allSatisfy({ $0 | 0x20 == $1 })
        else { return false }
        var given = bytes[scheme.count...]
        while given.first == UInt8(ascii: " ") { given = given.dropFirst() }
        while given.last == UInt8(ascii: " ") { given = given.dropLast() }
        var difference: UInt8 = given.count == token.count ? 0 : 1
        var index = given.startIndex
        for byte in token {
            let other = index < given.endIndex ? given[index] : 0
            difference |= byte ^ other
            index = index < given.endIndex ? index + 1 : index
        }
        return difference == 0
    }
}
