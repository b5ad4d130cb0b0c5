/// Where the engine's network requests go: the host's network services in paper and live runs,
/// nowhere in a replay (the recorded answers come back instead). Every answer and event comes
/// back through `deliver` as a `LiveInput` for the engine's inbox, from any thread.
protocol LiveTransport: AnyObject, Sendable {
    func request(_ request: LiveRequest, deliver: @escaping @Sendable (LiveInput) -> Void)
    func openWebSocket(_ open: LiveWebSocketOpen, deliver: @escaping @Sendable (LiveInput) -> Void)
    /// False when the socket is not open.
    func sendWebSocket(id: UInt64, binary: Bool, bytes: [UInt8]) -> Bool
    func closeWebSocket(id: UInt64, code: Int)
    /// Binds at once; returns the bound port, or a reason it could not.
    func listen(id: UInt64, slot: Int, address: String, port: Int, deliver: @escaping @Sendable (LiveInput) -> Void) -> Result<Int, LiveTransportError>
    func sendTCP(connection: UInt64, bytes: [UInt8]) -> Bool
    func closeTCP(id: UInt64)
    /// Cancels and closes everything, waiting at most `timeout`.
    func shutdown(timeout: Duration)
}

/// Why a transport could not do what was asked.
struct LiveTransportError: Error, Sendable {
    var message: String
}

/// An HTTP request as the engine hands it on.
struct LiveRequest: Sendable {
    var id: UInt64
    var slot: Int
    var method: String
    var url: String
    var headers: [LiveInput.HTTPHeaderField]
    var body: [UInt8]
    var timeout: Duration
}

/// A WebSocket to open.
struct LiveWebSocketOpen: Sendable {
    var id: UInt64
    var slot: Int
    var url: String
    var headers: [LiveInput.HTTPHeaderField]
    var connectTimeout: Duration
    var pingInterval: Duration?
}

/// A transport that sends nothing: a replay's, whose answers are the recorded ones.
final class SilentTransport: LiveTransport {
    func request(_ request: LiveRequest, deliver: @escaping @Sendable (LiveInput) -> Void) {}
    func openWebSocket(_ open: LiveWebSocketOpen, deliver: @escaping @Sendable (LiveInput) -> Void) {}
    func sendWebSocket(id: UInt64, binary: Bool, bytes: [UInt8]) -> Bool { true }
    func closeWebSocket(id: UInt64, code: Int) {}
    func listen(id: UInt64, slot: Int, address: String, port: Int, deliver: @escaping @Sendable (LiveInput) -> Void) -> Result<Int, LiveTransportError> {
        .success(port)
    }
    func sendTCP(connection: UInt64, bytes: [UInt8]) -> Bool { true }
    func closeTCP(id: UInt64) {}
    func shutdown(timeout: Duration) {}
}
