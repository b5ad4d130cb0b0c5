import Dispatch
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore
import Synchronization

/// Building the Hummingbird application, and the start-up handshake.
extension FakeVenueServer {
    /// The HTTP server with the REST routes and the WebSocket upgrade at `/ws`.
    func application(exchange: Exchange, startup: Startup) -> some ApplicationProtocol {
        let key = configuration.apiKey
        let routes = VenueRoutes(
            apiKey: key, exchange: exchange, faults: injector, requests: requestLog, counters: counters,
            isStopping: { [weak self] in self?.isStopping ?? true }, logger: logger)
        let session = StreamSession(hub: exchange.hub, faults: injector, counters: counters, logger: logger)
        return Application(
            router: routes.router(),
            server: HTTPServerBuilder { responder in
                // The upgrade is decided synchronously, on the connection's event loop: the
                // asynchronous variant runs in an unstructured task on Swift's shared pool, which
                // a test process that blocks that pool's few threads would starve.
                GatedWebSocketChannel(
                    apiKey: key,
                    inner: HTTP1WebSocketUpgradeChannel(
                        responder: responder, configuration: .init(maxFrameSize: 1 << 20, autoPing: .disabled),
                        shouldUpgrade: { request, _, _ in
                            guard request.path?.split(separator: "?").first == "/ws", request.headerFields[HTTPField.Name("X-API-Key")!] == key else {
                                return .dontUpgrade
                            }
                            return .upgrade([:]) { inbound, outbound, _ in try await session.run(inbound: inbound, outbound: outbound) }
                        }))
            },
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "trellis-fake-venue"),
            onServerRunning: { channel in startup.finish(.success(channel.localAddress?.port ?? 0)) },
            logger: logger)
    }
}

/// Tells `start()` the bound port, or why the server did not start.
final class Startup: Sendable {
    private let result = Mutex<Result<Int, FakeVenueError>?>(nil)
    private let semaphore = DispatchSemaphore(value: 0)

    init() {}

    /// Records the outcome; only the first one counts.
    func finish(_ outcome: Result<Int, FakeVenueError>) {
        let first = result.withLock { result in
            guard result == nil else { return false }
            result = outcome
            return true
        }
        if first { semaphore.signal() }
    }

    /// Waits for the outcome, at most `seconds`.
    func wait(seconds: Int) -> Result<Int, FakeVenueError> {
        if semaphore.wait(timeout: .now() + .seconds(seconds)) == .timedOut {
            return .failure(.startup("the server did not listen within \(seconds) s"))
        }
        return result.withLock { $0! }
    }
}
