import Dispatch
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// The host's network services for plugins: HTTP over libcurl, WebSocket and TCP over SwiftNIO.
///
/// Meant to be called from the engine's thread; nothing here blocks it (except `listen`, which
/// binds before it returns, and `shutdown`). Completions and events arrive on I/O threads, so
/// every handler is `@Sendable`; the engine forwards them into its own queue.
public final class NetworkServices: Sendable {
    private struct Live {
        var webSockets: [UInt64: WebSocketConnection] = [:]
        var listeners: [UInt64: TCPListener] = [:]
        /// Listeners between binding and their last event (one `open.enter()` each).
        var listenerIDs: Set<UInt64> = []
        var shutDown = false
    }

    private let logger: Logger
    private let curl: CurlClient
    private let group: MultiThreadedEventLoopGroup
    /// Where the WebSocket tasks run: a thread of their own, not Swift's shared pool.
    private let executor = SerialTaskExecutor(label: "trellis.net.websocket")
    private let nextID = Atomic<UInt64>(1)
    private let live = Mutex(Live())
    /// Entered for each socket and listener, left when it reports its last event.
    private let open = DispatchGroup()

    /// Starts the curl thread and the event loops.
    public init(logger: Logger) {
        self.logger = logger
        curl = CurlClient(logger: logger)
        group = MultiThreadedEventLoopGroup(numberOfThreads: min(2, System.coreCount))
    }

    deinit {
        shutdown(timeout: .zero)
    }

    private func makeID() -> UInt64 {
        nextID.wrappingAdd(1, ordering: .relaxed).oldValue
    }

    /// Starts `request`; `completion` runs once, on the curl thread, and the id names the request.
    ///
    /// After `shutdown` the completion runs before this returns, with `.canceled`.
    @discardableResult
    public func request(_ request: HTTPRequest, completion: @escaping @Sendable (HTTPResponse) -> Void) -> UInt64 {
        let id = makeID()
        let submission = CurlClient.Submission(id: id, request: request, completion: completion, start: .now)
        if !curl.submit(submission) { completion(.failed(.canceled, "network services shut down", id: id)) }
        return id
    }

    /// Cancels request `id` if it has not completed; its completion then reports `.canceled`.
    public func cancel(request id: UInt64) {
        curl.cancel(id)
    }

    /// Opens a WebSocket; `handler` gets `open`, messages, then `close` exactly once, from I/O threads.
    ///
    /// No reconnecting here: after `close` the plugin decides. After `shutdown` the handler gets
    /// `close(.canceled)` before this returns.
    public func openWebSocket(_ options: WebSocketOptions, handler: @escaping @Sendable (WebSocketEvent) -> Void) -> WebSocketConnection {
        let id = makeID()
        let connection = WebSocketConnection(id: id, eventLoop: group.next(), logger: logger, handler: handler) { [weak self] id in
            self?.finished(webSocket: id)
        }
        let accepted: Bool = live.withLock { live in
            guard !live.shutDown else { return false }
            live.webSockets[id] = connection
            open.enter()
            return true
        }
        guard accepted else {
            connection.finish(.canceled, code: 1006, reason: "network services shut down")
            return connection
        }
        guard AllowList.endpoint(of: options.url) != nil, options.url.lowercased().hasPrefix("ws") else {
            connection.eventLoop.execute { connection.finish(.protocolError, code: 1006, reason: "not a ws or wss URL: \(options.url)") }
            return connection
        }
        connection.state.withLock { state in
            state.task = Task(executorPreference: executor) { [group] in await connection.run(options, group: group) }
        }
        return connection
    }

    /// Listens on `address:port` (port 0: any free port, see ``TCPListener/port``); bound when this returns.
    public func listen(address: String, port: Int, handler: @escaping @Sendable (TCPEvent) -> Void) throws(NetError) -> TCPListener {
        let id = makeID()
        let reserved: Bool = live.withLock { live in
            guard !live.shutDown else { return false }
            live.listenerIDs.insert(id)
            open.enter()
            return true
        }
        guard reserved else { throw NetError(.canceled, "network services shut down") }
        let listener: TCPListener
        do {
            listener = try TCPListener(
                id: id, address: address, port: port, group: group, makeID: { [weak self] in self?.makeID() ?? 0 }, handler: handler,
                onFinish: { [weak self] in self?.finished(listener: id) })
        } catch {
            finished(listener: id)
            throw error
        }
        let kept: Bool = live.withLock { live in
            guard !live.shutDown else { return false }
            if live.listenerIDs.contains(id) { live.listeners[id] = listener }
            return true
        }
        if !kept { listener.close(.canceled) }
        return listener
    }

    private func finished(webSocket id: UInt64) {
        if live.withLock({ $0.webSockets.removeValue(forKey: id) }) != nil { open.leave() }
    }

    private func finished(listener id: UInt64) {
        let known: Bool = live.withLock { live in
            live.listeners[id] = nil
            return live.listenerIDs.remove(id) != nil
        }
        if known { open.leave() }
    }

    /// Cancels every pending request and closes every socket and listener, waiting at most
    /// `timeout` for them; whatever has not closed by then is reported closed with `.canceled`.
    /// Later calls fail with `.canceled`. Idempotent.
    public func shutdown(timeout: Duration = .seconds(2)) {
        let deadline = ContinuousClock.now + timeout
        let taken: ([WebSocketConnection], [TCPListener])? = live.withLock { live in
            guard !live.shutDown else { return nil }
            live.shutDown = true
            return (Array(live.webSockets.values), Array(live.listeners.values))
        }
        guard let (webSockets, listeners) = taken else { return }
        for connection in webSockets { connection.cancel(.canceled, reason: "network services shut down") }
        for listener in listeners { listener.close(.canceled) }
        curl.stop(until: deadline)
        let remaining = max(.zero, deadline - .now)
        let nanoseconds = Int(clamping: remaining.components.seconds * 1_000_000_000 + remaining.components.attoseconds / 1_000_000_000)
        if open.wait(timeout: .now() + .nanoseconds(nanoseconds)) == .timedOut {
            logger.warning("network services: sockets still open after the shutdown timeout; reported canceled")
            let (webSockets, listeners) = live.withLock { (Array($0.webSockets.values), Array($0.listeners.values)) }
            for connection in webSockets { connection.finish(.canceled, code: 1006, reason: "network services shut down") }
            for listener in listeners { listener.abandon(.canceled) }
            // A connect the WebSocket client cannot abort still holds a channel: shutting its event
            // loops down under it would make NIO schedule on a dead loop. The loops stay, idle,
            // until the peer lets the channel go.
            return
        }
        group.shutdownGracefully { _ in }
    }
}
