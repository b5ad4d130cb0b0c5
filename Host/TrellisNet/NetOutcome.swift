/// How a network operation ended; the raw values are the C ABI's `TRELLIS_NET_*` constants.
public enum NetOutcome: Int32, Sendable, Hashable, CustomStringConvertible {
    /// Completed (an HTTP response of any status, or a close this side asked for).
    case ok = 0
    /// No answer within the time allowed (request timeout, connect timeout, missing pong).
    case timeout = 1
    /// The connection could not be made (refused, name not resolved, TLS failed, upgrade declined).
    case refused = 2
    /// The peer closed or reset the connection.
    case closed = 3
    /// Not permitted by the graph's network allow list.
    case denied = 4
    /// Canceled by this side (a cancel or shutdown).
    case canceled = 5
    /// The peer broke the protocol, or the request could not be made (a malformed URL).
    case protocolError = 6

    public var description: String {
        switch self {
        case .ok: "ok"
        case .timeout: "timeout"
        case .refused: "refused"
        case .closed: "closed"
        case .denied: "denied"
        case .canceled: "canceled"
        case .protocolError: "protocol error"
        }
    }
}
