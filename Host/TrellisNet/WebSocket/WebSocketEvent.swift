/// What a WebSocket reports to its handler: `open`, then messages, then `close` exactly once.
public enum WebSocketEvent: Sendable, Hashable {
    /// The upgrade succeeded; `send` works from now on.
    case open
    /// One whole message (fragments already joined); text arrives as its UTF-8 bytes.
    case message(binary: Bool, bytes: [UInt8])
    /// The socket is closed; always the last event.
    ///
    /// `code` and `reason` are the close frame's when one arrived, 1006 and empty otherwise. The
    /// outcome is `.ok` for a close this side asked for, `.closed` for one the peer started,
    /// `.timeout` for a connect timeout or a missing pong, `.refused` when it never opened,
    /// `.canceled` for a close before open or a shutdown, `.protocolError` for a broken frame.
    case close(outcome: NetOutcome, code: Int, reason: String)
}
