/// What ``NetworkServices/openWebSocket(_:handler:)`` connects to, and how.
public struct WebSocketOptions: Sendable {
    /// The `ws` or `wss` URL.
    public var url: String
    /// Extra fields of the upgrade request (an API key, say).
    public var headers: [Header]
    /// The most connecting, the TLS handshake and the upgrade may take together.
    public var connectTimeout: Duration
    /// When set, a ping goes out this often; without a pong by the next one the socket closes with `.timeout`.
    public var pingInterval: Duration?
    /// The largest message (and frame) accepted; a larger one closes the socket with `.protocolError`.
    public var maximumMessageBytes: Int

    /// Makes options for `url`.
    public init(
        url: String, headers: [Header] = [], connectTimeout: Duration = .seconds(10), pingInterval: Duration? = nil,
        maximumMessageBytes: Int = 16 << 20
    ) {
        self.url = url
        self.headers = headers
        self.connectTimeout = connectTimeout
        self.pingInterval = pingInterval
        self.maximumMessageBytes = maximumMessageBytes
    }
}
