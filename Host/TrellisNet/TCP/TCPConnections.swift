import NIOCore
import Synchronization

/// The accepted connections of one ``TCPListener``, and the one place its events leave from.
///
/// Shared by the listener (called from the engine) and the connections' channel handlers
/// (called on event loops); events go out under one lock, so they never overlap.
final class TCPConnections: Sendable {
    private struct Entry {
        var channel: any Channel
        /// Set when this side closes the connection: what `close` reports.
        var outcome: NetOutcome?
    }

    private struct State {
        var entries: [UInt64: Entry] = [:]
        /// Set when the listener closes: what `listenerClosed` reports; no more connections.
        var closing: NetOutcome?
    }

    private let state = Mutex(State())
    /// Whether `listenerClosed` has gone out: nothing goes out after it.
    private let finished = Mutex(false)
    private let handler: @Sendable (TCPEvent) -> Void
    let makeID: @Sendable () -> UInt64

    init(makeID: @escaping @Sendable () -> UInt64, handler: @escaping @Sendable (TCPEvent) -> Void) {
        self.makeID = makeID
        self.handler = handler
    }

    private func emit(_ event: TCPEvent) {
        finished.withLock { finished in
            guard !finished else { return }
            handler(event)
        }
    }

    /// Registers an accepted connection and reports `open`; false (the caller closes it) once the listener is closing.
    func opened(_ id: UInt64, channel: any Channel) -> Bool {
        let accepted: Bool = state.withLock { state in
            guard state.closing == nil else { return false }
            state.entries[id] = Entry(channel: channel)
            return true
        }
        if accepted { emit(.open(connection: id, peer: Self.describe(channel.remoteAddress))) }
        return accepted
    }

    /// Reports bytes that arrived on connection `id`.
    func received(_ id: UInt64, _ bytes: [UInt8]) {
        emit(.data(connection: id, bytes: bytes))
    }

    /// Reports that connection `id` closed (with the outcome this side asked for, else `.closed`).
    func closed(_ id: UInt64) {
        guard let entry = state.withLock({ $0.entries.removeValue(forKey: id) }) else { return }
        emit(.close(connection: id, outcome: entry.outcome ?? .closed))
    }

    /// The channel of connection `id`, while it is open.
    func channel(_ id: UInt64) -> (any Channel)? {
        state.withLock { $0.entries[id]?.channel }
    }

    /// Closes connection `id`; its `close` reports `outcome`.
    func close(_ id: UInt64, outcome: NetOutcome) {
        let channel: (any Channel)? = state.withLock { state in
            guard state.entries[id] != nil else { return nil }
            if state.entries[id]?.outcome == nil { state.entries[id]?.outcome = outcome }
            return state.entries[id]?.channel
        }
        channel?.close(promise: nil)
    }

    /// Closes every connection (each reporting `outcome`); then `listenerClosed(outcome)` goes out
    /// once `server` has closed too, and `onFinish` runs.
    func closeAll(_ outcome: NetOutcome, server: any Channel, onFinish: @escaping @Sendable () -> Void) {
        let channels: [any Channel]? = state.withLock { state in
            guard state.closing == nil else { return nil }
            state.closing = outcome
            for id in state.entries.keys where state.entries[id]?.outcome == nil { state.entries[id]?.outcome = outcome }
            return state.entries.values.map(\.channel)
        }
        guard let channels else { return }
        server.close(promise: nil)
        for channel in channels { channel.close(promise: nil) }
        let closes = [server.closeFuture] + channels.map(\.closeFuture)
        EventLoopFuture.andAllComplete(closes, on: server.eventLoop).whenComplete { _ in self.finish(outcome, onFinish: onFinish) }
    }

    /// Reports `listenerClosed` once.
    func finish(_ outcome: NetOutcome, onFinish: @Sendable () -> Void) {
        let first: Bool = finished.withLock { finished in
            guard !finished else { return false }
            finished = true
            handler(.listenerClosed(outcome: outcome))
            return true
        }
        if first { onFinish() }
    }

    /// Whether `listenerClosed` has been reported.
    var isFinished: Bool { finished.withLock { $0 } }

    /// "address:port" of `address`, or "unknown".
    static func describe(_ address: SocketAddress?) -> String {
        guard let address, let ip = address.ipAddress, let port = address.port else { return "unknown" }
        if case .v6 = address { return "[\(ip)]:\(port)" }
        return "\(ip):\(port)"
    }
}

/// Forwards one accepted connection's events to its listener's ``TCPConnections``.
final class TCPConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let connections: TCPConnections
    private let id: UInt64

    init(connections: TCPConnections, id: UInt64) {
        self.connections = connections
        self.id = id
    }

    func channelActive(context: ChannelHandlerContext) {
        if !connections.opened(id, channel: context.channel) { context.close(promise: nil) }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        connections.received(id, Array(buffer: unwrapInboundIn(data)))
    }

    func channelInactive(context: ChannelHandlerContext) {
        connections.closed(id)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
