extension OperatorMetrics {
    /// The kinds of event the engine counts, the `kind` label of `trellis_events_total`.
    public enum EventKind: Int, Sendable, CaseIterable {
        /// A bar, tick or quote from a feed.
        case market
        /// An event a plugin posted to another node.
        case posted
        /// A message from a network service (WebSocket, HTTP, TCP).
        case network
        /// A timer a plugin set.
        case timer

        /// The label's value.
        public var label: String {
            switch self {
            case .market: "market"
            case .posted: "posted"
            case .network: "network"
            case .timer: "timer"
            }
        }
    }

    /// The states an order reaches, the `state` label of `trellis_orders_total`.
    public enum OrderState: Int, Sendable, CaseIterable {
        /// Sent by a node, past the host's checks.
        case submitted
        /// Acknowledged by the venue.
        case accepted
        case partiallyFilled
        case filled
        case canceled
        /// Refused by the venue.
        case rejected
        /// Refused by the host: a hard limit or a risk node.
        case denied
        case expired

        /// The label's value.
        public var label: String {
            switch self {
            case .submitted: "submitted"
            case .accepted: "accepted"
            case .partiallyFilled: "partially-filled"
            case .filled: "filled"
            case .canceled: "canceled"
            case .rejected: "rejected"
            case .denied: "denied"
            case .expired: "expired"
            }
        }
    }

    /// The endpoint's paths, the `path` label of `trellis_operator_requests_total`.
    enum RequestPath: Int, CaseIterable {
        case page, status, metrics, health, other

        var label: String {
            switch self {
            case .page: "/"
            case .status: "/status"
            case .metrics: "/metrics"
            case .health: "/health"
            case .other: "other"
            }
        }
    }
}
