/// What a ``TCPListener`` reports to its handler.
///
/// Per connection: `open`, then `data`, then `close` exactly once. `listenerClosed` is always the
/// last event of the listener, after every connection's `close`.
public enum TCPEvent: Sendable, Hashable {
    /// A client connected from `peer` ("address:port").
    case open(connection: UInt64, peer: String)
    /// Bytes arrived, as the network delivered them (no message framing).
    case data(connection: UInt64, bytes: [UInt8])
    /// The connection closed: `.ok` when this side closed it, `.closed` when the peer did (or it
    /// failed), `.canceled` on shutdown.
    case close(connection: UInt64, outcome: NetOutcome)
    /// The listener stopped accepting and every connection is closed.
    case listenerClosed(outcome: NetOutcome)
}
