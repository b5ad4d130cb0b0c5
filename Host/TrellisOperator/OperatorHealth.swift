/// The answer of `GET /health`: is the engine alive, publishing and trading?
public struct OperatorHealth: Codable, Sendable, Equatable {
    /// The verdict, the `status` field of the JSON.
    public enum Status: String, Codable, Sendable {
        /// The engine published within the limit and is not halted: HTTP 200.
        case ok
        /// The engine has not published within the limit (or not yet): HTTP 503.
        case stale
        /// The host halted trading (a hard limit, a kill switch): HTTP 503.
        case halted
        /// The host is stopping or has stopped: HTTP 503.
        case stopping
    }

    public var status: Status
    /// Why it is not ok, for a person; nil when it is.
    public var reason: String?

    public init(_ status: Status, reason: String? = nil) {
        self.status = status
        self.reason = reason
    }

    /// True when the endpoint answers 200.
    public var isHealthy: Bool { status == .ok }

    /// The health of the last snapshot `status`, published `age` ago (nil: never published).
    ///
    /// A halted or stopping host says so even when its last snapshot is old: that is the more
    /// useful reason. A running host is stale once `age` exceeds `staleAfter`.
    public static func of(_ status: OperatorStatus, age: Duration?, staleAfter: Duration) -> OperatorHealth {
        switch status.state {
        case "halted":
            let reason = status.haltReason.flatMap { $0.isEmpty ? nil : $0 } ?? "the host halted without saying why"
            return OperatorHealth(.halted, reason: reason)
        case "stopping":
            return OperatorHealth(.stopping, reason: "the host is stopping")
        case "stopped":
            return OperatorHealth(.stopping, reason: "the host has stopped")
        default:
            break
        }
        guard let age else {
            return OperatorHealth(.stale, reason: "the engine has not published its state yet")
        }
        guard age <= staleAfter else {
            return OperatorHealth(.stale, reason: "the engine has not published its state for \(seconds(age)) (limit \(seconds(staleAfter)))")
        }
        return OperatorHealth(.ok)
    }

    /// A duration as seconds with one decimal: "7.3 s".
    static func seconds(_ duration: Duration) -> String {
        let tenths = duration.components.seconds * 10 + duration.components.attoseconds / 100_000_000_000_000_000
        return "\(tenths / 10).\(abs(tenths % 10)) s"
    }
}
