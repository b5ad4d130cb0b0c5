import Logging
import NIOCore
import Synchronization

/// One WebSocket client connection, made by ``NetworkServices/openWebSocket(_:handler:)``.
///
/// `send` and `close` never block: they queue for the connection's task. Events go to the
/// handler in order, from I/O threads; `close` is always the last, exactly once.
public final class WebSocketConnection: Sendable {
    /// Unique among everything one ``NetworkServices`` made.
    public let id: UInt64

    enum Phase: Sendable {
        case connecting, open, closing, closed
    }

    /// What `send` and `close` queue for the writer.
    enum Command: Sendable {
        case send(binary: Bool, bytes: [UInt8])
        case close(code: Int)
    }

    struct State {
        var phase = Phase.connecting
        /// Whether the upgrade succeeded.
        var wasOpened = false
        /// The code `close` asked for.
        var requestedCode: Int?
        /// The client sent "going away" on its own: its ping got no pong in time.
        var pingTimedOut = false
        /// The outcome to report whatever the socket says (set by a connect timeout or shutdown).
        var override: (outcome: NetOutcome, reason: String)?
        var task: Task<Void, Never>?
    }

    let state = Mutex(State())
    /// Whether `close` has gone to the handler; guards the handler so events never overlap.
    private let finished = Mutex(false)
    private let handler: @Sendable (WebSocketEvent) -> Void
    private let onFinish: @Sendable (UInt64) -> Void
    let commands: AsyncStream<Command>
    private let commandSink: AsyncStream<Command>.Continuation
    let eventLoop: any EventLoop
    let logger: Logger

    init(
        id: UInt64, eventLoop: any EventLoop, logger: Logger, handler: @escaping @Sendable (WebSocketEvent) -> Void,
        onFinish: @escaping @Sendable (UInt64) -> Void
    ) {
        self.id = id
        self.eventLoop = eventLoop
        self.handler = handler
        self.onFinish = onFinish
        var logger = logger
        logger[metadataKey: "net.websocket"] = "\(id)"
        self.logger = logger
        (commands, commandSink) = AsyncStream.makeStream(of: Command.self)
    }

    /// Queues a message; false when the socket is not open (or closing).
    public func send(binary: Bool, bytes: [UInt8]) -> Bool {
        state.withLock { state in
            guard state.phase == .open else { return false }
            if case .enqueued = commandSink.yield(.send(binary: binary, bytes: bytes)) { return true }
            return false
        }
    }

    /// Starts the close handshake with `code` (1000, 1001 to 1003, 1007 to 1011 or 3000 to 4999; 1000 otherwise).
    ///
    /// Before the socket opens this abandons the connection: `close` reports `.canceled`.
    public func close(code: Int = 1000) {
        let code = Self.sendable(code) ? code : 1000
        let abandoned: Bool = state.withLock { state in
            switch state.phase {
            case .connecting:
                state.phase = .closed
                state.requestedCode = code
                state.task?.cancel()
                return true
            case .open:
                state.phase = .closing
                state.requestedCode = code
                commandSink.yield(.close(code: code))
                return false
            case .closing, .closed:
                return false
            }
        }
        if abandoned { eventLoop.execute { self.finish(.canceled, code: code, reason: "closed before it opened") } }
    }

    /// Whether `code` may go in a close frame.
    static func sendable(_ code: Int) -> Bool {
        code == 1000 || (1001...1003).contains(code) || (1007...1011).contains(code) || (3000...4999).contains(code)
    }

    /// Called when the upgrade succeeded: reports `open`. False when the connection was given up meanwhile.
    func opened() -> Bool {
        let open: Bool = state.withLock { state in
            guard state.phase == .connecting else { return false }
            state.phase = .open
            state.wasOpened = true
            return true
        }
        if open { emit(.open) }
        return open
    }

    /// Reports `event` unless `close` has been reported.
    func emit(_ event: WebSocketEvent) {
        finished.withLock { finished in
            guard !finished else { return }
            handler(event)
        }
    }

    /// Reports `close` once, and ends the connection's queue; later calls do nothing.
    func finish(_ outcome: NetOutcome, code: Int, reason: String) {
        let first: Bool = finished.withLock { finished in
            guard !finished else { return false }
            finished = true
            handler(.close(outcome: outcome, code: code, reason: reason))
            return true
        }
        guard first else { return }
        state.withLock { $0.phase = .closed }
        commandSink.finish()
        logger.debug("websocket closed", metadata: ["net.outcome": "\(outcome)", "net.code": "\(code)", "net.reason": "\(reason)"])
        onFinish(id)
    }

    /// Cancels the connection's task (shutdown); its `close` then reports `outcome` with `reason`.
    func cancel(_ outcome: NetOutcome, reason: String) {
        let task = state.withLock { state in
            if state.override == nil { state.override = (outcome, reason) }
            state.phase = .closed
            return state.task
        }
        task?.cancel()
    }

    /// Whether `close` has been reported.
    var isFinished: Bool { finished.withLock { $0 } }
}
