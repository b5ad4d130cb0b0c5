import Dispatch
import Synchronization

/// One message of the WebSocket stream, numbered and already encoded.
struct StreamMessage: Sendable {
    var seq: UInt64
    var text: String
}

/// The WebSocket connections and the stream's sequence numbers: every message published gets
/// the next `seq` and goes to each connection that wants it.
final class StreamHub: Sendable {
    private struct Connection {
        var continuation: AsyncStream<StreamMessage>.Continuation
        /// Symbols of market data this connection wants; nil means all.
        var symbols: Set<String>?
        /// When a message was last queued for it, in nanoseconds of uptime.
        var lastQueued: UInt64
    }

    private struct State {
        var seq: UInt64 = 0
        var connections: [Int: Connection] = [:]
        var nextID = 1
        var everConnected = false
        var finished = false
    }

    private let state = Mutex(State())
    private let counters: VenueCounters

    init(counters: VenueCounters) { self.counters = counters }

    /// Registers a connection; its messages arrive on the returned stream.
    func connect() -> (id: Int, messages: AsyncStream<StreamMessage>) {
        let (stream, continuation) = AsyncStream.makeStream(of: StreamMessage.self, bufferingPolicy: .bufferingNewest(1_000_000))
        let id = state.withLock { state in
            let id = state.nextID
            state.nextID += 1
            if state.finished {
                continuation.finish()
            } else {
                state.connections[id] = Connection(continuation: continuation, symbols: nil, lastQueued: Self.uptime())
                state.everConnected = true
            }
            return id
        }
        counters.update { $0.connectionsOpened += 1 }
        return (id, stream)
    }

    /// Forgets a connection.
    func disconnect(_ id: Int) {
        let connection = state.withLock { $0.connections.removeValue(forKey: id) }
        connection?.continuation.finish()
    }

    /// Limits a connection's market data to `symbols`.
    func subscribe(_ id: Int, symbols: Set<String>) {
        state.withLock { $0.connections[id]?.symbols = symbols }
    }

    /// The number of open connections.
    var connectionCount: Int { state.withLock { $0.connections.count } }

    /// True once any client has connected.
    var everConnected: Bool { state.withLock { $0.everConnected } }

    /// The last sequence number given out.
    var lastSeq: UInt64 { state.withLock { $0.seq } }

    /// Numbers a message and queues it for every connection; `symbol` marks market data, which
    /// goes only to connections subscribed to it. `build` encodes the message with its seq.
    @discardableResult
    func publish(symbol: String? = nil, _ build: (UInt64) -> String) -> UInt64 {
        let now = Self.uptime()
        return state.withLock { state in
            state.seq += 1
            let message = StreamMessage(seq: state.seq, text: build(state.seq))
            for (id, connection) in state.connections where symbol == nil || connection.symbols?.contains(symbol!) != false {
                connection.continuation.yield(message)
                state.connections[id]?.lastQueued = now
            }
            return state.seq
        }
    }

    /// Sends a heartbeat to every connection that was sent nothing for `idleMs` milliseconds.
    func heartbeat(idleMs: UInt64 = 1_000, time: Int64) {
        let now = Self.uptime()
        state.withLock { state in
            for (id, connection) in state.connections where now - connection.lastQueued >= idleMs * 1_000_000 {
                state.seq += 1
                var writer = JSONWriter()
                writer.add("type", "heartbeat")
                writer.add("seq", state.seq)
                writer.add("time", time)
                connection.continuation.yield(StreamMessage(seq: state.seq, text: writer.string))
                state.connections[id]?.lastQueued = now
            }
        }
    }

    /// Ends every connection's stream and refuses new ones: the server is stopping.
    func finishAll() {
        let connections = state.withLock { state in
            state.finished = true
            defer { state.connections.removeAll() }
            return Array(state.connections.values)
        }
        for connection in connections { connection.continuation.finish() }
    }

    static func uptime() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
}
